"""Stage 2: Arabic normalization and tokenization as an ordered list of small rules.

Text rules run on whole documents (they remove lines, URLs and characters); the text is then
split on whitespace and the token rules run once per distinct word type, with the result
cached, because Arabic news has far fewer types than tokens. Each rule is a small pure
function with its own config switch; :data:`TEXT_RULES` and :data:`TOKEN_RULES` give the
order. A new rule is one function plus one entry in those lists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
import pyarabic.araby as araby
from arabicstopwords import arabicstopwords

# Every Arabic combining mark: harakat, tanwin, shadda, sukun, the dagger alef (U+0670) and
# Quranic annotation marks. pyarabic's strip_tashkeel leaves the dagger alef, hence the regex.
DIACRITICS_RE = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Any character that is neither a word character, whitespace, nor an Arabic combining mark
# (harakat, shadda, dagger alef): Python's \W would otherwise treat the marks as punctuation
# and split words at them.
PUNCTUATION_RE = re.compile(r"[^\w\s\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]|_")
DIGITS_RE = re.compile(r"\d+")
LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F]+")
# A line with no letter or digit at all: "&", "***", "-----".
SEPARATOR_LINE_RE = re.compile(r"^[^\w]*$")
ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
YAA_VARIANTS = str.maketrans({"ى": "ي"})
TAA_MARBUTA = str.maketrans({"ة": "ه"})

#: Proclitics that contain the article; stripped whenever a long enough stem remains.
ARTICLE_PROCLITICS = (
    "وبال",
    "فبال",
    "وكال",
    "فكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
)
#: Conjunction and preposition proclitics; stripped only when the rest is a known word, so
#: that وزير, فرنسا or بيان keep their first letter.
PARTICLE_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")


@dataclass(frozen=True)
class NormalizationSettings:
    """Switches and lists of the normalization stage (``normalize`` in the config)."""

    boilerplate_patterns: tuple[str, ...] = ()
    recurring_line_min_documents: int = 0
    remove_urls: bool = True
    remove_punctuation: bool = True
    remove_digits: bool = True
    remove_latin: bool = True
    strip_diacritics: bool = True
    strip_tatweel: bool = True
    strip_proclitics: bool = True
    fold_alef: bool = True
    fold_yaa: bool = True
    fold_taa_marbuta: bool = True
    remove_stopwords: bool = True
    extra_stopwords: tuple[str, ...] = ()
    stopword_exceptions: tuple[str, ...] = ()
    min_token_length: int = 2
    min_stem_length: int = 3
    compiled_patterns: tuple[re.Pattern, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_config(cls, section: dict) -> NormalizationSettings:
        """Build settings from the ``normalize`` section of the config."""
        values = {k: section[k] for k in cls.__dataclass_fields__ if k in section}
        for key in ("boilerplate_patterns", "extra_stopwords", "stopword_exceptions"):
            values[key] = tuple(values.get(key, ()))
        values["compiled_patterns"] = tuple(re.compile(p) for p in values["boilerplate_patterns"])
        return cls(**values)


# ---------------------------------------------------------------------------------------
# Text rules: str -> str, on a whole document.


def remove_urls(text: str) -> str:
    """Replace URLs and e-mail addresses by a space."""
    return EMAIL_RE.sub(" ", URL_RE.sub(" ", text))


def remove_punctuation(text: str) -> str:
    """Replace punctuation and symbols (Arabic, Latin, ``&``, ``<...>``) by a space."""
    return PUNCTUATION_RE.sub(" ", text)


def remove_digits(text: str) -> str:
    """Replace runs of digits (Western, Arabic-Indic and Persian) by a space."""
    return DIGITS_RE.sub(" ", text)


def remove_latin(text: str) -> str:
    """Replace runs of Latin letters by a space."""
    return LATIN_RE.sub(" ", text)


def boilerplate_line_reason(
    line: str, patterns: Sequence[re.Pattern], recurring: frozenset[str] = frozenset()
) -> str:
    """Why a line is boilerplate: ``separator``, ``pattern:<regex>``, ``recurring``, or ``""``."""
    stripped = line.strip()
    if not stripped:
        return ""
    if SEPARATOR_LINE_RE.match(stripped):
        return "separator"
    for pattern in patterns:
        if pattern.search(stripped):
            return f"pattern:{pattern.pattern}"
    if stripped in recurring:
        return "recurring"
    return ""


def find_recurring_lines(texts: Iterable[str], min_documents: int) -> frozenset[str]:
    """Lines that occur, stripped and verbatim, in at least ``min_documents`` documents.

    A line that many documents share is web boilerplate (subscription prompts, disclaimers),
    found from the data rather than from a fixed list. ``min_documents < 2`` finds none.
    """
    if min_documents < 2:
        return frozenset()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({line.strip() for line in text.splitlines() if line.strip()})
    return frozenset(line for line, n in counts.items() if n >= min_documents)


def remove_boilerplate_lines(
    text: str, patterns: Sequence[re.Pattern], recurring: frozenset[str] = frozenset()
) -> tuple[str, list[tuple[str, str]]]:
    """Drop boilerplate lines; return the text and the removed ``(line, reason)`` pairs."""
    kept, removed = [], []
    for line in text.splitlines():
        reason = boilerplate_line_reason(line, patterns, recurring)
        if reason:
            removed.append((line.strip(), reason))
        else:
            kept.append(line)
    return "\n".join(kept), removed


# ---------------------------------------------------------------------------------------
# Token rules: str -> str ("" removes the token), applied once per word type.


def strip_diacritics(token: str) -> str:
    """Remove harakat, tanwin, shadda, sukun, the dagger alef and Quranic marks."""
    return DIACRITICS_RE.sub("", token)


def strip_tatweel(token: str) -> str:
    """Remove the tatweel (kashida) used to stretch words."""
    return araby.strip_tatweel(token)


def strip_proclitics(
    token: str, known_words: frozenset[str] | set[str] | None = None, min_stem_length: int = 3
) -> str:
    """Strip one proclitic group (و ف ب ك ل ال and their combinations).

    Article groups (ال، وال، بال، لل ...) are stripped when at least ``min_stem_length``
    letters remain. Particles without the article (و ف ب ك ل) are stripped only when the
    rest is itself a word of ``known_words`` (the corpus vocabulary), because a leading و or ف
    is as often part of the word (وزير، فرنسا) as a conjunction. A bare article group (from
    "الـ 26") is removed.
    """
    if token in ARTICLE_PROCLITICS:
        # An article cut off from its word ("الـ 26"): nothing of the word is left.
        return ""
    for prefix in ARTICLE_PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= min_stem_length:
            return token[len(prefix) :]
    if known_words:
        for prefix in PARTICLE_PROCLITICS:
            rest = token[len(prefix) :]
            if token.startswith(prefix) and len(rest) >= min_stem_length and rest in known_words:
                return rest
    return token


def fold_alef(token: str) -> str:
    """Fold alef with hamza or madda and alef wasla (أ إ آ ٱ) to bare alef (ا)."""
    return token.translate(ALEF_VARIANTS)


def fold_yaa(token: str) -> str:
    """Fold alef maqsura (ى) to yaa (ي)."""
    return token.translate(YAA_VARIANTS)


def fold_taa_marbuta(token: str) -> str:
    """Fold taa marbuta (ة) to haa (ه)."""
    return token.translate(TAA_MARBUTA)


TextRule = Callable[[str], str]
TokenRule = Callable[[str], str]

#: Text rules in order, as (name, settings switch, function). Boilerplate lines come first
#: (they are whole lines) and are handled by :func:`normalize_documents` itself.
TEXT_RULES: list[tuple[str, str, TextRule]] = [
    ("urls_emails", "remove_urls", remove_urls),
    ("punctuation", "remove_punctuation", remove_punctuation),
    ("digits", "remove_digits", remove_digits),
    ("latin", "remove_latin", remove_latin),
]

#: Token rules in order, as (name, settings switch). Proclitics are stripped before letter
#: folding so that a hamza on alef (ألمانيا، إلى) keeps words that merely begin with alef-lam.
TOKEN_RULES: list[tuple[str, str]] = [
    ("diacritics", "strip_diacritics"),
    ("tatweel", "strip_tatweel"),
    ("proclitics", "strip_proclitics"),
    ("alef", "fold_alef"),
    ("yaa", "fold_yaa"),
    ("taa_marbuta", "fold_taa_marbuta"),
    ("stopwords", "remove_stopwords"),
    ("min_length", "min_token_length"),
]


def _token_rule(
    name: str,
    settings: NormalizationSettings,
    known_words: frozenset[str],
    stopwords: frozenset[str],
) -> TokenRule:
    """The function of one token rule, bound to the settings and the corpus vocabulary."""
    if name == "proclitics":
        return lambda t: strip_proclitics(t, known_words, settings.min_stem_length)
    if name == "stopwords":
        return lambda t: "" if t in stopwords else t
    if name == "min_length":
        return lambda t: t if len(t) >= settings.min_token_length else ""
    return {
        "diacritics": strip_diacritics,
        "tatweel": strip_tatweel,
        "alef": fold_alef,
        "yaa": fold_yaa,
        "taa_marbuta": fold_taa_marbuta,
    }[name]


def enabled_token_rules(settings: NormalizationSettings) -> list[str]:
    """Names of the token rules the settings switch on, in order."""
    return [name for name, switch in TOKEN_RULES if getattr(settings, switch)]


def map_types(
    types: Iterable[str],
    settings: NormalizationSettings,
    stopwords: frozenset[str] = frozenset(),
    until: str | None = None,
    known_words: frozenset[str] | None = None,
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Apply the enabled token rules to distinct word types, each type once.

    Parameters
    ----------
    types : iterable of str
        Distinct surface forms.
    settings : NormalizationSettings
        Which rules run.
    stopwords : frozenset of str
        Stopwords already normalized like the text (see :func:`normalized_stopwords`).
    until : str, optional
        Stop before the rule of this name (used to normalize the stopword list itself).
    known_words : frozenset of str, optional
        Vocabulary for the proclitic safeguard; by default, the types themselves as they
        stand before that rule.

    Returns
    -------
    mapping : dict
        Surface form to normalized form (``""`` where the token is removed).
    history : list of dict
        For each rule run, the mapping of every type after that rule.
    """
    current = {t: t for t in types}
    history = []
    for name in enabled_token_rules(settings):
        if name == until:
            break
        known = known_words
        if name == "proclitics" and known is None:
            known = frozenset(v for v in current.values() if v)
        rule = _token_rule(name, settings, known or frozenset(), stopwords)
        cache: dict[str, str] = {}
        for surface, value in current.items():
            if value:
                if value not in cache:
                    cache[value] = rule(value)
                current[surface] = cache[value]
        history.append((name, dict(current)))
    return current, history


def tokenize_text(text: str, settings: NormalizationSettings) -> str:
    """Run the enabled text rules on text from which boilerplate lines are already gone."""
    for _, switch, rule in TEXT_RULES:
        if getattr(settings, switch):
            text = rule(text)
    return text


def stopword_forms(settings: NormalizationSettings) -> frozenset[str]:
    """The stopwords of both lists as written, after the text rules (empty when switched off)."""
    if not settings.remove_stopwords:
        return frozenset()
    raw = set(arabicstopwords.stopwords_list()) | set(settings.extra_stopwords)
    words: set[str] = set()
    for entry in raw:
        words.update(tokenize_text(entry, settings).split())
    return frozenset(words)


def normalized_stopwords(
    settings: NormalizationSettings, known_words: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The maintained list (Arabic-Stopwords) and the config list, normalized like the text.

    Each stopword passes through the same text and token rules as the corpus, up to the
    stopword rule itself, so that a stopword matches in whatever surface form it was written.
    Words of ``stopword_exceptions``, normalized the same way, are taken out of the result.
    """
    words = stopword_forms(settings)
    if not words:
        return frozenset()
    known = frozenset(known_words | words)
    # Stemmed forms (وهذا -> هذا) and, because a corpus where هذا never stands alone keeps
    # the و of وهذا, the listed forms too with only the letter rules applied.
    letters_only = replace(settings, strip_proclitics=False)
    stopwords: set[str] = set()
    exceptions: set[str] = set()
    for entry in settings.stopword_exceptions:
        exceptions.update(tokenize_text(entry, settings).split())
    for config in (settings, letters_only):
        mapping, _ = map_types(words, config, until="stopwords", known_words=known)
        kept, _ = map_types(exceptions, config, until="stopwords", known_words=known)
        stopwords |= {v for v in mapping.values() if v} - set(kept.values())
    return frozenset(stopwords)


def normalize_terms(
    terms: Iterable[str],
    settings: NormalizationSettings,
    known_words: frozenset[str] = frozenset(),
    stopwords: frozenset[str] | None = None,
) -> list[list[str]]:
    """Normalize free-text terms (theme seed words, queries) exactly like the corpus.

    Returns one token list per term; a multiword term gives several tokens, and a term made
    only of stopwords gives an empty list.
    """
    if stopwords is None:
        stopwords = normalized_stopwords(settings, known_words)
    results = []
    for term in terms:
        surface = tokenize_text(term, settings).split()
        known = frozenset(known_words | set(surface))
        mapping, _ = map_types(set(surface), settings, stopwords, known_words=known)
        results.append([mapping[t] for t in surface if mapping[t]])
    return results


@dataclass
class NormalizedCorpus:
    """What :func:`normalize_documents` returns."""

    tokens: list[tuple[str, list[str]]]
    steps: pd.DataFrame
    removed_lines: pd.DataFrame
    examples: pd.DataFrame


def _counts_row(step: str, counts: Counter) -> dict:
    return {"step": step, "tokens": int(sum(counts.values())), "vocabulary": len(counts)}


def normalize_documents(
    documents: Sequence[dict], settings: NormalizationSettings, max_examples: int = 15
) -> NormalizedCorpus:
    """Normalize and tokenize documents, recording the effect of every rule.

    Parameters
    ----------
    documents : sequence of dict
        Records with ``doc_id`` and ``text`` (from the corpus stage).
    settings : NormalizationSettings
        The switches of the stage.
    max_examples : int
        Tokens changed by each rule kept as examples.

    Returns
    -------
    NormalizedCorpus
        Tokens per document, token and vocabulary counts after each rule, the removed
        boilerplate lines with their counts, and before/after examples per rule.
    """
    texts = [doc["text"] for doc in documents]
    recurring = find_recurring_lines(texts, settings.recurring_line_min_documents)
    steps = [_counts_row("raw", Counter(t for text in texts for t in text.split()))]

    removed: Counter[tuple[str, str]] = Counter()
    cleaned = []
    for text in texts:
        text, lines = remove_boilerplate_lines(text, settings.compiled_patterns, recurring)
        removed.update(set(lines))
        cleaned.append(text)
    steps.append(_counts_row("boilerplate_lines", Counter(t for x in cleaned for t in x.split())))

    for name, switch, rule in TEXT_RULES:
        if getattr(settings, switch):
            cleaned = [rule(text) for text in cleaned]
            steps.append(_counts_row(name, Counter(t for x in cleaned for t in x.split())))

    surface_tokens = [text.split() for text in cleaned]
    type_counts = Counter(t for tokens in surface_tokens for t in tokens)
    # The stopword list is normalized with the corpus vocabulary as known words, so the
    # proclitic safeguard treats the list exactly like the text.
    stop_known, _ = map_types(type_counts, settings, until="proclitics")
    stopwords = normalized_stopwords(settings, frozenset(v for v in stop_known.values() if v))
    mapping, history = map_types(type_counts, settings, stopwords)

    examples = []
    previous = {t: t for t in type_counts}
    for name, after in history:
        counts: Counter[str] = Counter()
        for surface, n in type_counts.items():
            if after[surface]:
                counts[after[surface]] += n
        steps.append(_counts_row(name, counts))
        changed = sorted(
            (s for s in type_counts if previous[s] and after[s] != previous[s]),
            key=lambda s: (-type_counts[s], s),
        )
        for surface in changed[:max_examples]:
            examples.append(
                {
                    "step": name,
                    "before": previous[surface],
                    "after": after[surface],
                    "count": type_counts[surface],
                }
            )
        previous = after

    tokens = [
        (doc["doc_id"], [mapping[t] for t in surface if mapping[t]])
        for doc, surface in zip(documents, surface_tokens, strict=False)
    ]
    removed_lines = pd.DataFrame(
        [
            {"line": line, "reason": reason, "documents": n}
            for (line, reason), n in sorted(removed.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        columns=["line", "reason", "documents"],
    )
    return NormalizedCorpus(
        tokens=tokens,
        steps=pd.DataFrame(steps, columns=["step", "tokens", "vocabulary"]),
        removed_lines=removed_lines,
        examples=pd.DataFrame(examples, columns=["step", "before", "after", "count"]),
    )


def term_frequencies(tokens: Iterable[tuple[str, list[str]]]) -> pd.DataFrame:
    """Corpus count and document frequency of every term, most frequent first."""
    counts: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()
    for _, doc_tokens in tokens:
        counts.update(doc_tokens)
        doc_freq.update(set(doc_tokens))
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    frame = pd.DataFrame(
        [{"term": t, "count": n, "documents": doc_freq[t]} for t, n in rows],
        columns=["term", "count", "documents"],
    )
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame
