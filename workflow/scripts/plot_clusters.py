"""Rule plot_clusters: the 2-D document map, the dendrogram, silhouette by k, the stability
of the feature spaces and their clusters against the chosen ones."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.clusters.figures import plot_clusters
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
plot_clusters(
    **snakemake.input,
    **snakemake.output,
    max_documents=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
    map=snakemake.params.map,
)
