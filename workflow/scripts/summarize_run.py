"""Rule summarize_run: the report's landing page (corpus, chosen K, topics, themes)."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.paper.summary import summarize_run

log_to(snakemake.log[0])
summarize_run(**snakemake.input, **snakemake.output)
