"""Rule normalize_corpus: normalize and tokenize the documents, with a table per rule."""

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import normalize_step

log_to(snakemake.log[0])
normalize_step(
    documents=snakemake.input.documents,
    settings=snakemake.params.settings,
    **snakemake.output,
)
