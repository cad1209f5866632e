"""Rule normalize_corpus: normalize and tokenize the documents, with a table per rule."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import normalize_step

log_to(snakemake.log[0])
normalize_step(
    documents=snakemake.input.documents,
    multiword_list=snakemake.input.multiword_list,
    reporting_words=snakemake.input.reporting_words,
    settings=snakemake.params.settings,
    **snakemake.output,
)
