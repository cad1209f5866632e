"""Stage 2: Arabic normalization and tokenization, in passes over shards."""
