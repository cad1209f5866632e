"""Rule find_recurring_lines: boilerplate lines that recur in the documents of one source."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import recurring_lines_step

log_to(snakemake.log[0])
recurring_lines_step(
    shards=snakemake.input.shards,
    settings=snakemake.params.settings,
    recurring=snakemake.output.recurring,
)
