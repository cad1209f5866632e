"""Rule group_effects: prevalence by group with 95 % intervals, and group differences."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.trends.step import group_effects

log_to(snakemake.log[0])
group_effects(
    metadata=snakemake.input.metadata,
    doc_topics=snakemake.input.doc_topics,
    doc_themes=snakemake.input.doc_themes,
    topic_labels=snakemake.input.topic_labels,
    period=snakemake.params.period,
    contrasts=snakemake.params.contrasts,
    split_date=snakemake.params.split_date,
    n_boot=snakemake.params.bootstrap,
    min_documents=snakemake.params.min_documents,
    random_state=snakemake.params.random_state,
    **snakemake.output,
)
