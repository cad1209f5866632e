"""Rule cluster_documents: clusters, k by silhouette, top terms, 2-D map and linkage."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import cluster_step

log_to(snakemake.log[0])
cluster_step(
    matrix=snakemake.input.matrix,
    settings=snakemake.params.settings,
    random_state=snakemake.params.random_state,
    max_documents=snakemake.params.max_documents,
    **snakemake.output,
)
