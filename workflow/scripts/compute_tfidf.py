"""Rule compute_tfidf: TF-IDF matrix, top terms per document, the figure's similarities."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.tfidf.step import compute_tfidf

log_to(snakemake.log[0])
compute_tfidf(
    tokens=snakemake.input.tokens,
    params=snakemake.params.vectorizer,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
    vocabulary_csv=snakemake.input.vocabulary,
    **snakemake.output,
)
