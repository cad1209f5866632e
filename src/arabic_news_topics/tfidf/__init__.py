"""Stage 3: TF-IDF weights, top terms per document, similar documents."""
