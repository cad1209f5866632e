"""Rule select_num_topics: coherence by K, the chosen K, and its tables."""

from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import select_lda_step

log_to(snakemake.log[0])
select_lda_step(
    coherence_files=list(snakemake.input.coherence),
    model_folders=[str(Path(p).parent) for p in snakemake.input.coherence],
    measure=snakemake.params.measure,
    **snakemake.output,
)
