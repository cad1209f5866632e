"""Rule label_topics: each curated topic's name (topics.labels, else its top words)."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import label_topics

log_to(snakemake.log[0])
label_topics(
    members_csv=snakemake.input.members, labels=snakemake.params.labels, **snakemake.output
)
