"""Rule build_lda_corpus: the LDA dictionary and bag-of-words corpus, shared by every K."""

from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import build_lda_corpus

log_to(snakemake.log[0])
build_lda_corpus(
    tokens=snakemake.input.tokens,
    no_below=snakemake.params.no_below,
    no_above=snakemake.params.no_above,
    keep_n=snakemake.params.keep_n,
    # save_corpus writes the files of the output, named as it names them, in one folder.
    folder=str(Path(snakemake.output.corpus).parent),
)
