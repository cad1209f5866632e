"""Rule paper: the paper's figures (PDF) and tables (LaTeX, Markdown) with checksums."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.paper.step import paper

log_to(snakemake.log[0])
inputs = list(snakemake.input.items())
paper(
    figures=[(name, path) for name, path in inputs if path.endswith(".pdf")],
    tables=[(name, path) for name, path in inputs if path.endswith(".csv")],
    out_dir=snakemake.output[0],
)
