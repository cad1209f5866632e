"""Rule document_titles: each document's title (or first line), for figures that name documents."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.corpus.step import document_titles
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
document_titles(shards=list(snakemake.input.shards), **snakemake.output)
