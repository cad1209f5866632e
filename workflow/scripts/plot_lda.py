"""Rule plot_lda: top words, document topics, model selection by K, stability, similarity."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.figures import plot_lda

log_to(snakemake.log[0])
plot_lda(
    **snakemake.input,
    **snakemake.output,
    top_n=snakemake.params.top_n,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
)
