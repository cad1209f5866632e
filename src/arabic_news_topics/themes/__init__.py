"""Stage 6: the user's themes matched to topics, clusters and documents."""
