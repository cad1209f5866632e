"""Planted corpora of the size researchers bring (thousands of articles), for the label-free
choices of K and k: each document is mostly one planted section's words, some of a second
section's and a few background words, as a news article is mostly about one thing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from arabic_news_topics.topics import engines

#: Words per planted section, drawn with Zipf weights (1/rank) as words in text are.
SECTION_WORDS = 40
#: Background words every section uses (function words a stop list missed).
BACKGROUND_WORDS = 30


def planted_sections(
    n_sections: int, n_documents: int = 2000, length: int = 40, random_state: int = 0
) -> tuple[list[tuple[str, list[str]]], list[int]]:
    """``(doc_id, tokens)`` documents and each one's main section (0-based).

    A document's tokens: 80 % section words, of which a share drawn from U(0.7, 1) are of
    its main section and the rest of one other section; 20 % background words."""
    rng = np.random.default_rng(random_state)
    words = [[f"s{s}w{w}" for w in range(SECTION_WORDS)] for s in range(n_sections)]
    background = [f"bg{w}" for w in range(BACKGROUND_WORDS)]
    zipf = 1.0 / np.arange(1, SECTION_WORDS + 1)
    zipf /= zipf.sum()
    documents, labels = [], []
    for i in range(n_documents):
        main, other = rng.choice(n_sections, 2, replace=False)
        share = rng.uniform(0.7, 1.0)
        n_main = round(length * 0.8 * share)
        n_other = round(length * 0.8 * (1 - share))
        tokens = [
            *rng.choice(words[main], n_main, p=zipf),
            *rng.choice(words[other], n_other, p=zipf),
            *rng.choice(background, length - n_main - n_other),
        ]
        documents.append((f"doc_{i:04d}", [str(t) for t in tokens]))
        labels.append(int(main))
    return documents, labels


#: The two sections of :func:`planted_run`.
SECTIONS = {"sport": [f"s{i}" for i in range(30)], "economy": [f"e{i}" for i in range(30)]}


def planted_run(folder: Path, per_section: int = 20) -> None:
    """A workflow run folder as the benchmarks read it (``results/04_lda/bow`` and
    ``results/01_corpus/metadata.tsv``) of two labelled sections with disjoint words."""
    rng = np.random.default_rng(0)
    documents, rows = [], []
    for section, words in SECTIONS.items():
        for number in range(per_section):
            doc_id = f"{section}/{number}"
            documents.append((doc_id, list(rng.choice(words, size=40))))
            rows.append({"doc_id": doc_id, "date": "", "label": section, "source": "x"})
    bow = folder / "results/04_lda/bow"
    bow.mkdir(parents=True)
    dictionary = engines.build_dictionary([tokens for _, tokens in documents], 1, 1.0, None)
    engines.save_corpus(documents, dictionary, bow)
    (folder / "results/01_corpus").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / "results/01_corpus/metadata.tsv", sep="\t", index=False)
