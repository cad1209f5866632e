"""Stage 5: document clusters (k-means or Ward on TF-IDF or LSA), k by silhouette, maps."""
