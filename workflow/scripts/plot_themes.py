"""Rule plot_themes: document-by-theme heatmap, theme prevalence, intertopic distance map."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.themes.figures import plot_themes

log_to(snakemake.log[0])
plot_themes(
    **snakemake.input,
    **snakemake.output,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
)
