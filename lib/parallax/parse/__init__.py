"""The document model: every article parsed once (segmentation, the spaCy layer), and the one tokenizer, word folding and diff engine."""
