"""Rule plot_lda: top words per topic, document-topic heatmap, coherence by K."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import plot_coherence, plot_document_topics, plot_topic_words
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
plot_topic_words(
    snakemake.input.topics,
    snakemake.output.topics_png,
    snakemake.output.topics_pdf,
    top_n=snakemake.params.top_n,
)
plot_document_topics(
    snakemake.input.doc_topics,
    snakemake.output.doc_topics_png,
    snakemake.output.doc_topics_pdf,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
)
plot_coherence(
    snakemake.input.coherence,
    snakemake.output.coherence_png,
    snakemake.output.coherence_pdf,
)
