"""Rule find_recurring_lines: boilerplate lines that recur in the documents of one source."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.normalize.step import find_recurring_lines

log_to(snakemake.log[0])
find_recurring_lines(
    shards=snakemake.input.shards,
    settings=snakemake.params.settings,
    recurring=snakemake.output.recurring,
)
