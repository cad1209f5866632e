"""Rule evaluate_labels: clusters and topics against the corpus's gold labels."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import evaluation_step

log_to(snakemake.log[0])
evaluation_step(
    metadata=snakemake.input.metadata,
    matrix=snakemake.input.matrix,
    assignments=snakemake.input.assignments,
    silhouette=snakemake.input.silhouette,
    doc_topics=list(snakemake.input.doc_topics),
    settings=snakemake.params.settings,
    seeds=snakemake.params.seeds,
    main_variant=snakemake.params.main_variant,
    **snakemake.output,
)
