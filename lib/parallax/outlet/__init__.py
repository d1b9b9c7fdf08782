"""What each outlet's article does on its own: readability, attribution (the trained labeller and what it cannot see alone), naming of actors."""
