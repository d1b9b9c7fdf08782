"""What a run shows and writes: tables and their codebook, charts, plain-language reading, lessons, batch summaries."""
