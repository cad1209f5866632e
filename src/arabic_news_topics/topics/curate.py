"""Topic curation: merge topics that are one subject, drop junk topics, name them.

What a researcher does after reading a model (BERTopic's ``merge_topics`` and custom labels;
stm users do it by hand): ``topics.merge`` lists groups of topics that become one,
``topics.drop`` topics removed (boilerplate, a language's function words), ``topics.labels``
a name per topic. Topic numbers are those of the chosen model as stage 4 shows it
(``04_lda/topics.csv``); the curated topics are numbered again from 1, in the order of their
first member, and ``curated_topics.csv`` says which topics each one holds.

- A merged topic's share of a document is the sum of its members' shares; its word
  distribution is the members' mixture, each weighted by its total share of the corpus
  (so the merged topic's words are those its documents use).
- Dropping topics removes their columns and scales each document's remaining shares back to
  a sum of 1; a document that was all dropped topics keeps equal shares and is counted in
  the log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..io import read_table


@dataclass
class CuratedTopics:
    """What :func:`curate` returns."""

    theta: np.ndarray
    phi: np.ndarray
    #: ``topic`` (curated, from 1), ``members`` (original topics, ``2+5``), ``label``.
    table: pd.DataFrame
    #: Documents whose every share was in dropped topics.
    emptied: int


def _check_topics(key: str, values: Sequence[int], num_topics: int) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"config key {key}: {value!r} is not a topic number")
        if not 1 <= value <= num_topics:
            raise ValueError(
                f"config key {key}: topic {value} does not exist; the chosen model has "
                f"K = {num_topics} topics (1 to {num_topics}, as in results/04_lda/topics.csv)"
            )


def curation_groups(
    num_topics: int, merge: Sequence[Sequence[int]] = (), drop: Sequence[int] = ()
) -> list[list[int]]:
    """The original topics (1-based) of each curated topic, in the order of their first
    member; a topic in no group of ``merge`` is its own group, a topic of ``drop`` is in
    none. A topic in two groups, or merged and dropped, is an error naming the key."""
    seen: dict[int, str] = {}
    for i, group in enumerate(merge):
        if len(group) < 2:
            raise ValueError(f"config key topics.merge[{i}]: a group needs at least two topics")
        _check_topics(f"topics.merge[{i}]", group, num_topics)
        for topic in group:
            if topic in seen:
                raise ValueError(
                    f"config key topics.merge[{i}]: topic {topic} is already in {seen[topic]}"
                )
            seen[int(topic)] = f"topics.merge[{i}]"
    _check_topics("topics.drop", drop, num_topics)
    for topic in drop:
        if topic in seen:
            raise ValueError(f"config key topics.drop: topic {topic} is also in {seen[topic]}")
    if len(set(drop)) >= num_topics:
        raise ValueError(f"config key topics.drop: it drops all {num_topics} topics")
    group_of = {int(t): sorted(int(x) for x in g) for g in merge for t in g}
    groups, placed = [], set()
    for topic in range(1, num_topics + 1):
        if topic in placed or topic in set(drop):
            continue
        group = group_of.get(topic, [topic])
        groups.append(group)
        placed.update(group)
    return groups


def curate(
    theta: np.ndarray,
    phi: np.ndarray,
    merge: Sequence[Sequence[int]] = (),
    drop: Sequence[int] = (),
) -> CuratedTopics:
    """Merge and drop topics of a fitted model (see the module docstring).

    Parameters
    ----------
    theta : ndarray
        Documents x topics shares (rows sum to 1).
    phi : ndarray
        Topics x words probabilities.
    merge : sequence of sequences of int
        Groups of topics (numbered from 1) that become one.
    drop : sequence of int
        Topics removed.
    """
    theta = np.asarray(theta, dtype=np.float64)
    phi = np.asarray(phi, dtype=np.float64)
    num_topics = phi.shape[0]
    if theta.shape[1] != num_topics:
        raise ValueError(f"theta has {theta.shape[1]} topics, phi {num_topics}")
    groups = curation_groups(num_topics, merge, drop)
    columns = [np.asarray(g) - 1 for g in groups]
    new_theta = np.column_stack([theta[:, c].sum(axis=1) for c in columns])
    sums = new_theta.sum(axis=1, keepdims=True)
    emptied = int((sums[:, 0] <= 0).sum())
    new_theta = np.where(sums > 0, new_theta / np.where(sums > 0, sums, 1), 1 / len(groups))
    mass = theta.sum(axis=0)
    rows = []
    for c in columns:
        weights = mass[c] if mass[c].sum() > 0 else np.ones(len(c))
        rows.append(weights @ phi[c] / weights.sum())
    table = pd.DataFrame(
        {
            "topic": range(1, len(groups) + 1),
            "members": ["+".join(map(str, g)) for g in groups],
        }
    )
    return CuratedTopics(new_theta, np.vstack(rows), table, emptied)


def topic_labels(
    members: Sequence[str], labels: Mapping[int | str, str], top_words: Sequence[str]
) -> list[str]:
    """Each curated topic's name: the label ``topics.labels`` gives one of its original
    topics (the first that has one), else its top words. Labels of topics that no longer
    exist (dropped, or beyond K) are an error naming the key."""
    known = {int(t) for m in members for t in str(m).split("+")}
    names = {}
    for key, label in labels.items():
        try:
            topic = int(key)
        except (TypeError, ValueError):
            raise ValueError(f"config key topics.labels: {key!r} is not a topic number") from None
        if topic not in known:
            raise ValueError(
                f"config key topics.labels.{key}: topic {topic} is not among the curated topics' "
                f"members ({', '.join(map(str, sorted(known)))}): dropped, or beyond K"
            )
        names[topic] = str(label)
    result = []
    for member, words in zip(members, top_words, strict=True):
        labelled = [names[int(t)] for t in str(member).split("+") if int(t) in names]
        result.append(labelled[0] if labelled else words)
    return result


def read_topic_names(topic_labels: str | None, labelled_only: bool = False) -> dict[int, str]:
    """Topic number -> name from rule label_topics' table (``{}`` without one);
    ``labelled_only``: only the topics ``topics.labels`` names (the others are named by
    their top words)."""
    if not topic_labels:
        return {}
    table = read_table(topic_labels, dtype={"label": str})
    if labelled_only:
        table = table[table["labelled"].astype(str).str.lower() == "true"]
    return {int(t): str(n) for t, n in zip(table["topic"], table["label"], strict=True)}


def with_topic_names(frame: pd.DataFrame, names: dict[int, str], column: str = "topic"):
    """``frame`` with a ``label`` column after ``column`` (numbers, or ``topic_<k>``)."""
    if not names or column not in frame.columns:
        return frame
    frame = frame.copy()
    numbers = frame[column].astype(str).str.removeprefix("topic_")
    labels = [names.get(int(n), "") if n.isdigit() else "" for n in numbers]
    frame.insert(frame.columns.get_loc(column) + 1, "label", labels)
    return frame
