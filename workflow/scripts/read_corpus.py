"""Rule read_corpus: read the corpus sources into documents, manifest and count tables."""

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import read_corpus_step

log_to(snakemake.log[0])
read_corpus_step(
    sources=snakemake.params.sources,
    min_arabic_share=snakemake.params.min_arabic_share,
    **snakemake.output,
)
