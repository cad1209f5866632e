"""Rule plot_themes: document-by-theme heatmap, theme prevalence, intertopic distance map."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import (
    plot_document_themes,
    plot_theme_prevalence,
    plot_topic_map,
)
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
plot_document_themes(
    snakemake.input.doc_themes,
    snakemake.output.doc_themes_png,
    snakemake.output.doc_themes_pdf,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
)
plot_theme_prevalence(
    snakemake.input.prevalence,
    snakemake.output.prevalence_png,
    snakemake.output.prevalence_pdf,
)
plot_topic_map(
    snakemake.input.topic_map,
    snakemake.output.topic_map_png,
    snakemake.output.topic_map_pdf,
)
