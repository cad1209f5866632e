"""Rule plot_corpus: figure of the document lengths."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import plot_document_lengths
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
plot_document_lengths(
    snakemake.input.lengths,
    snakemake.output.png,
    snakemake.output.pdf,
    max_documents=snakemake.params.max_documents,
)
