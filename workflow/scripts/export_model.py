"""Rule export_model: the run's model bundle (results/10_model)."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.apply.step import export_model
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
export_model(
    **snakemake.input,
    **snakemake.output,
    config=snakemake.params.config,
    engine=snakemake.params.engine,
    random_state=snakemake.params.random_state,
)
