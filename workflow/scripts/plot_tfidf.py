"""Rule plot_tfidf: top TF-IDF terms per document and the similarity heatmap."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import plot_similarity, plot_top_terms_per_document
from arabic_news_topics.logs import log_to
from arabic_news_topics.tfidf import count_documents

log_to(snakemake.log[0])
plot_top_terms_per_document(
    snakemake.input.top_terms,
    snakemake.output.top_terms_png,
    snakemake.output.top_terms_pdf,
    max_documents=min(12, snakemake.params.max_documents),
    random_state=snakemake.params.random_state,
)
plot_similarity(
    snakemake.input.similarity,
    snakemake.output.similarity_png,
    snakemake.output.similarity_pdf,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
    total_documents=count_documents(snakemake.input.matrix),
)
