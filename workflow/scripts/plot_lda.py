"""Rule plot_lda: top words, document topics, model selection by K, stability, similarity."""

import json
from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import (
    plot_document_topics,
    plot_model_selection,
    plot_topic_similarity,
    plot_topic_stability,
    plot_topic_words,
)
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
output = snakemake.output
plot_topic_words(
    snakemake.input.topics, output.topics_png, output.topics_pdf, top_n=snakemake.params.top_n
)
plot_document_topics(
    snakemake.input.doc_topics,
    output.doc_topics_png,
    output.doc_topics_pdf,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
)
plot_model_selection(snakemake.input.selection, output.selection_png, output.selection_pdf)
plot_topic_stability(
    snakemake.input.stability,
    output.stability_png,
    output.stability_pdf,
    num_topics=json.loads(Path(snakemake.input.chosen).read_text())["num_topics"],
)
plot_topic_similarity(snakemake.input.similarity, output.similarity_png, output.similarity_pdf)
