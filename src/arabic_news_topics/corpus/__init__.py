"""Stage 1: read the corpus (every format and encoding), with a manifest of every record."""
