"""Rule plot_corpus: figure of the document lengths."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.corpus.figures import plot_corpus
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
plot_corpus(**snakemake.input, **snakemake.output, max_documents=snakemake.params.max_documents)
