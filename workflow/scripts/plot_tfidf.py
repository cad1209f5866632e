"""Rule plot_tfidf: top TF-IDF terms per document and the similarity heatmap."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.tfidf.figures import plot_tfidf

log_to(snakemake.log[0])
plot_tfidf(
    **snakemake.input,
    **snakemake.output,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
)
