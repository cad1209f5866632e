"""Stage 2: Arabic normalization and tokenization as an ordered list of small rules.

Only two rules need whole documents: HTML tags and boilerplate lines. After them the text is
split on whitespace and every other rule runs once per distinct word type, with the result
cached, because Arabic news has far fewer types than tokens. A type rule maps a token to a
string: ``""`` removes it, a space splits it (punctuation inside a token, glued words).

The rules run in three phases, in the order of :data:`TYPE_RULES`, then multiword
expressions on the token sequences, then :data:`FINAL_RULES`:

1. characters and clitics: unicode, urls_emails, punctuation, digits, latin, diacritics,
   tatweel, glued_waw, proclitics, alef, yaa, taa_marbuta, hamza;
2. multiword: expressions of a shipped list, and collocations learned with gensim Phrases
   (NPMI) on large corpora, become one term joined by ``_`` (``شرق_اوسط``);
3. stopwords, stemmer, min_length. Stopwords go before the stemmer: a stemmed stopword
   would remove every content word with the same stem (with root stemming, many).

Each rule is a small pure function with its own config switch; a new rule is one function,
one entry in a rule list and one switch.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd
from arabicstopwords import arabicstopwords

# Every Arabic combining mark: harakat, tanwin, shadda, sukun, the dagger alef (U+0670) and
# Quranic annotation marks. pyarabic's strip_tashkeel leaves the dagger alef, hence the regex.
DIACRITICS_RE = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
TATWEEL = "\u0640"
URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HTML_TAG_RE = re.compile(r"<[^<>]{0,500}>")
# Any character that is neither a word character, whitespace, nor an Arabic combining mark:
# Python's \W would otherwise treat the marks as punctuation and split words at them.
PUNCTUATION_RE = re.compile(r"[^\w\s\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]|_")
DIGITS_RE = re.compile(r"\d+")
LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F]+")
# A line with no letter or digit at all: "&", "***", "-----".
SEPARATOR_LINE_RE = re.compile(r"^[^\w]*$")
SOURCE_LINE_RE = re.compile(r":\d+$")
# Zero-width space and joiners split or vanish; bidi controls and the BOM vanish.
INVISIBLE = str.maketrans(
    {
        "\u200b": " ",
        **{c: None for c in "\u200c\u200d\u200e\u200f\u061c\ufeff\u00ad"},
        **{chr(c): None for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]},
    }
)
# Persian and Urdu letter variants, and Arabic-Indic and Persian digits.
PERSIAN_LETTERS = str.maketrans(
    {
        "ک": "ك",
        "ی": "ي",
        "ې": "ي",
        "ہ": "ه",
        "ە": "ه",
        "ۀ": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
YAA_VARIANTS = str.maketrans({"ى": "ي"})
TAA_MARBUTA = str.maketrans({"ة": "ه"})
HAMZA_CARRIERS = str.maketrans({"ؤ": "و", "ئ": "ي"})
WAW = "و"
#: What a fully normalized token may contain: Arabic letters, and _ inside multiword terms.
TOKEN_ALPHABET_RE = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u06FA-\u06FF_]+$")

#: Proclitics that contain the article; stripped whenever a long enough stem remains.
ARTICLE_PROCLITICS = (
    "وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال",
)  # fmt: skip
#: Conjunction and preposition proclitics; stripped only when the rest is a known word, so
#: that وزير, فرنسا or بيان keep their first letter.
PARTICLE_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
#: Attached pronouns, longest first (ي and ك are left: دولي and شريك would lose a letter).
PRONOUN_SUFFIXES = ("كما", "هما", "هم", "هن", "كم", "كن", "نا", "ها", "ه")
#: Plural, dual and feminine endings, with what may replace them: علاقات -> علاقه,
#: مسلحين -> مسلح, روسيه -> روسي.
INFLECTION_SUFFIXES = (
    ("ات", ("ه", "ة", "")),
    ("ون", ("",)),
    ("ين", ("",)),
    ("ان", ("",)),
    ("يه", ("ي",)),
    ("ية", ("ي",)),
)
STEMMERS = ("none", "light", "root")


@dataclass(frozen=True)
class NormalizationSettings:
    """Switches and lists of the normalization stage (``normalize`` in the config)."""

    normalize_unicode: bool = True
    remove_html: bool = True
    boilerplate_patterns: tuple[str, ...] = ()
    recurring_line_min_documents: int = 0
    remove_urls: bool = True
    remove_punctuation: bool = True
    remove_digits: bool = True
    remove_latin: bool = True
    strip_diacritics: bool = True
    strip_tatweel: bool = True
    split_glued_waw: bool = True
    glued_min_count: int = 3
    strip_proclitics: bool = True
    min_stem_length: int = 3
    fold_alef: bool = True
    fold_yaa: bool = True
    fold_taa_marbuta: bool = True
    fold_hamza: bool = True
    multiword_expressions: bool = True
    multiword_list: tuple[str, ...] = ()
    learn_multiword_min_documents: int = 1000
    multiword_min_count: int = 20
    multiword_threshold: float = 0.5
    remove_stopwords: bool = True
    extra_stopwords: tuple[str, ...] = ()
    stopword_exceptions: tuple[str, ...] = ()
    remove_reporting_words: bool = True
    reporting_words: tuple[str, ...] = ()
    stemmer: str = "none"
    min_token_length: int = 2
    compiled_patterns: tuple[re.Pattern, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_config(cls, section: Mapping) -> NormalizationSettings:
        """Build settings from the ``normalize`` section of the config.

        The word lists that the config names as files (``multiword_list``,
        ``reporting_words``) are passed here as lists of lines.
        """
        values = {k: section[k] for k in cls.__dataclass_fields__ if k in section}
        for key in (
            "boilerplate_patterns",
            "extra_stopwords",
            "stopword_exceptions",
            "multiword_list",
            "reporting_words",
        ):
            values[key] = tuple(values.get(key, ()))
        if values.get("stemmer", "none") not in STEMMERS:
            raise ValueError(f"normalize.stemmer must be one of {STEMMERS}")
        values["compiled_patterns"] = tuple(re.compile(p) for p in values["boilerplate_patterns"])
        return cls(**values)


# ---------------------------------------------------------------------------------------
# Document rules: on whole texts.


def remove_html(text: str) -> str:
    """Replace HTML tags (and ``<...>`` cuts) by a space and decode HTML entities."""
    return html.unescape(HTML_TAG_RE.sub(" ", text))


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

    A line that many documents of one source share is web boilerplate (subscription
    prompts, disclaimers), found from the data rather than from a fixed list. Call it once
    per source. ``min_documents < 2`` finds none.
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


def source_group(source: str) -> str:
    """The source a document comes from, for boilerplate: its folder, or its JSON Lines file."""
    if SOURCE_LINE_RE.search(source):
        return SOURCE_LINE_RE.sub("", source)
    return source.rsplit("/", 1)[0] if "/" in source else ""


# ---------------------------------------------------------------------------------------
# Type rules: str -> str, once per distinct word type ("" removes, a space splits).


def normalize_unicode(token: str) -> str:
    """NFKC (presentation forms, ligatures such as ﻻ), invisible characters removed, Persian
    and Urdu letters (ک ی ہ) and Arabic-Indic and Persian digits mapped to Arabic and Western."""
    return unicodedata.normalize("NFKC", token).translate(INVISIBLE).translate(PERSIAN_LETTERS)


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


def strip_diacritics(token: str) -> str:
    """Remove harakat, tanwin, shadda, sukun, the dagger alef and Quranic marks."""
    return DIACRITICS_RE.sub("", token)


def strip_tatweel(token: str) -> str:
    """Remove the tatweel (kashida) used to stretch words."""
    return token.replace(TATWEEL, "")


def split_glued_waw(token: str, counts: Mapping[str, int], min_count: int = 3) -> str:
    """Split a word that lost the space before و (روسياوفرنسا -> روسيا فرنسا).

    The split is made only when both halves are words seen at least ``min_count`` times in
    the corpus and the glued form is not itself that frequent; never otherwise.
    """
    if counts.get(token, 0) >= min_count or len(token) < 7:
        return token
    start = 3
    while (i := token.find(WAW, start)) != -1 and i <= len(token) - 4:
        left, right = token[:i], token[i + 1 :]
        if counts.get(left, 0) >= min_count and counts.get(right, 0) >= min_count:
            return f"{left} {right}"
        start = i + 1
    return token


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


def fold_hamza(token: str) -> str:
    """Fold hamza on its carriers (ؤ ئ) to the carrier (و ي)."""
    return token.translate(HAMZA_CARRIERS)


def light_stem(token: str, known_words: frozenset[str] | set[str], min_stem_length: int = 3) -> str:
    """Strip an attached pronoun and a plural, dual or feminine ending, each only when the
    result is a word of the corpus (علاقاتهما -> علاقات -> علاقه, روسيه -> روسي).

    A light stemmer in the manner of Larkey's light10, with the corpus vocabulary as its
    safeguard: Tashaphyne's default light stemmer cuts وزير to زير and بوتين to وت, and
    light10's unconditional suffix list cuts فلسطين to فلسط.
    """
    if "_" in token:
        return token
    for suffix in PRONOUN_SUFFIXES:
        rest = token[: -len(suffix)]
        if token.endswith(suffix) and len(rest) >= min_stem_length:
            # A taa marbuta becomes ت before a pronoun: علاقتهما -> علاقه.
            candidates = (rest, rest[:-1] + "ه", rest[:-1] + "ة") if rest[-1] == "ت" else (rest,)
            found = next((c for c in candidates if c in known_words), None)
            if found:
                token = found
                break
    for suffix, replacements in INFLECTION_SUFFIXES:
        if token.endswith(suffix):
            base = token[: -len(suffix)]
            for ending in replacements:
                candidate = base + ending
                if len(candidate) >= min_stem_length and candidate in known_words:
                    return candidate
    return token


@lru_cache(maxsize=1)
def _isri():
    from nltk.stem.isri import ISRIStemmer

    return ISRIStemmer()


def root_stem(token: str) -> str:
    """The root of a word by NLTK's ISRI stemmer (multiword terms are kept whole)."""
    if "_" in token:
        return token
    return _isri().stem(token)


TypeRule = Callable[[str], str]

#: Phase 1 type rules in order, as (name, settings switch).
TYPE_RULES: list[tuple[str, str]] = [
    ("unicode", "normalize_unicode"),
    ("urls_emails", "remove_urls"),
    ("punctuation", "remove_punctuation"),
    ("digits", "remove_digits"),
    ("latin", "remove_latin"),
    ("diacritics", "strip_diacritics"),
    ("tatweel", "strip_tatweel"),
    ("glued_waw", "split_glued_waw"),
    # Before letter folding, so that a hamza on alef (ألمانيا، إلى) keeps words that merely
    # begin with alef-lam.
    ("proclitics", "strip_proclitics"),
    ("alef", "fold_alef"),
    ("yaa", "fold_yaa"),
    ("taa_marbuta", "fold_taa_marbuta"),
    ("hamza", "fold_hamza"),
]
#: Phase 3 type rules, after multiword expressions, as (name, settings switch).
FINAL_RULES: list[tuple[str, str]] = [
    ("stopwords", "remove_stopwords"),
    ("stemmer", "stemmer"),
    ("min_length", "min_token_length"),
]
#: Rules that look at the corpus vocabulary.
CORPUS_AWARE_RULES = frozenset({"glued_waw", "proclitics", "stemmer"})
_PLAIN_RULES: dict[str, TypeRule] = {
    "unicode": normalize_unicode,
    "urls_emails": remove_urls,
    "punctuation": remove_punctuation,
    "digits": remove_digits,
    "latin": remove_latin,
    "diacritics": strip_diacritics,
    "tatweel": strip_tatweel,
    "alef": fold_alef,
    "yaa": fold_yaa,
    "taa_marbuta": fold_taa_marbuta,
    "hamza": fold_hamza,
}


def _enabled(settings: NormalizationSettings, switch: str) -> bool:
    value = getattr(settings, switch)
    return value != "none" if switch == "stemmer" else bool(value)


def enabled_token_rules(settings: NormalizationSettings) -> list[str]:
    """Names of the rules after tokenization that the settings switch on, in order."""
    names = [name for name, switch in TYPE_RULES if _enabled(settings, switch)]
    if settings.multiword_expressions:
        names.append("multiword")
    return names + [name for name, switch in FINAL_RULES if _enabled(settings, switch)]


def _bind_rule(
    name: str,
    settings: NormalizationSettings,
    counts: Mapping[str, int],
    stopwords: frozenset[str],
) -> TypeRule:
    """The function of one type rule, bound to the settings and the current vocabulary."""
    if name in _PLAIN_RULES:
        return _PLAIN_RULES[name]
    if name == "glued_waw":
        return lambda t: split_glued_waw(t, counts, settings.glued_min_count)
    if name == "proclitics":
        known = frozenset(counts)
        return lambda t: strip_proclitics(t, known, settings.min_stem_length)
    if name == "stopwords":
        return lambda t: "" if t in stopwords else t
    if name == "stemmer":
        if settings.stemmer == "root":
            return root_stem
        known = frozenset(counts)
        return lambda t: light_stem(t, known, settings.min_stem_length)
    if name == "min_length":
        # Multiword terms are never too short.
        return lambda t: t if len(t) >= settings.min_token_length or "_" in t else ""
    raise KeyError(name)


def _apply(rule: TypeRule, value: str) -> str:
    """Apply a rule to each part of a form; the result's parts are single-space separated."""
    if " " not in value:
        result = rule(value)
        return " ".join(result.split()) if " " in result else result
    return " ".join(" ".join(rule(p) for p in value.split(" ")).split())


def _value_counts(mapping: Mapping[str, str], type_counts: Mapping[str, int]) -> Counter[str]:
    """Token counts of the current forms (a split form counts each of its parts)."""
    counts: Counter[str] = Counter()
    for surface, value in mapping.items():
        if value:
            n = type_counts.get(surface, 1)
            for part in value.split(" "):
                counts[part] += n
    return counts


def map_types(
    type_counts: Mapping[str, int] | Iterable[str],
    settings: NormalizationSettings,
    rules: Sequence[tuple[str, str]] = TYPE_RULES,
    stopwords: frozenset[str] = frozenset(),
    vocabulary: Mapping[str, int] | None = None,
) -> tuple[dict[str, str], list[tuple[str, dict[str, str]]]]:
    """Apply the enabled rules of ``rules`` to distinct word types, each form once.

    Parameters
    ----------
    type_counts : mapping of str to int, or iterable of str
        Distinct surface forms (with their corpus counts).
    settings : NormalizationSettings
        Which rules run.
    rules : sequence of (name, switch)
        :data:`TYPE_RULES` or :data:`FINAL_RULES`.
    stopwords : frozenset of str
        Stopwords already normalized like the text (see :func:`normalized_stopwords`).
    vocabulary : mapping of str to int, optional
        Word counts for the corpus-aware rules (glued_waw, proclitics, stemmer); by default
        the forms being mapped, as they stand before each rule.

    Returns
    -------
    mapping : dict
        Surface form to normalized form (``""``: removed; spaces separate split parts).
    history : list of (rule name, mapping after that rule)
    """
    if not isinstance(type_counts, Mapping):
        type_counts = dict.fromkeys(type_counts, 1)
    current = {t: t for t in type_counts}
    history = []
    for name, switch in rules:
        if not _enabled(settings, switch):
            continue
        counts: Mapping[str, int] = {}
        if name in CORPUS_AWARE_RULES:
            counts = vocabulary if vocabulary is not None else _value_counts(current, type_counts)
        rule = _bind_rule(name, settings, counts, stopwords)
        cache: dict[str, str] = {}
        for surface, value in current.items():
            if value:
                if value not in cache:
                    cache[value] = _apply(rule, value)
                current[surface] = cache[value]
        history.append((name, dict(current)))
    return current, history


def normalize_characters(text: str, settings: NormalizationSettings) -> str:
    """Character-level normalization of a text (no clitics, stemming or stopwords).

    Unicode, HTML, URLs, punctuation, digits, Latin, diacritics, tatweel and the letter
    folds, as switched on: the text with its words normalized and joined by single spaces.
    """
    if settings.remove_html:
        text = remove_html(text)
    letters = replace(settings, split_glued_waw=False, strip_proclitics=False)
    mapping, _ = map_types(set(text.split()), letters)
    return " ".join(part for t in text.split() if (part := mapping[t]))


# ---------------------------------------------------------------------------------------
# Stopwords and multiword expressions


def stopword_forms(settings: NormalizationSettings) -> frozenset[str]:
    """The stopwords of all enabled lists as written, split into words (empty when off)."""
    raw: set[str] = set()
    if settings.remove_stopwords:
        raw |= set(arabicstopwords.stopwords_list()) | set(settings.extra_stopwords)
    if settings.remove_reporting_words:
        raw |= set(settings.reporting_words)
    return frozenset(word for entry in raw for word in entry.split())


def normalized_stopwords(
    settings: NormalizationSettings, vocabulary: Mapping[str, int] | frozenset[str] = frozenset()
) -> frozenset[str]:
    """The stopword lists (Arabic-Stopwords, extra, reporting words), normalized like the text.

    Each stopword passes through the same rules as the corpus, up to the stopword rule
    itself, so that it matches in whatever surface form it was written; ``vocabulary`` (the
    corpus words) feeds the corpus-aware proclitic rule as it does for the text. Because a
    corpus where هذا never stands alone keeps the و of وهذا, the listed forms are also kept
    with only the letter rules applied. Words of ``stopword_exceptions`` are taken out.
    """
    words = stopword_forms(settings)
    if not words:
        return frozenset()
    known = dict.fromkeys(words, 1) | dict(Counter(vocabulary))
    letters_only = replace(settings, strip_proclitics=False)
    stopwords: set[str] = set()
    exceptions = {w for entry in settings.stopword_exceptions for w in entry.split()}
    for config in (settings, letters_only):
        config = replace(config, split_glued_waw=False)
        mapping, _ = map_types(words, config, vocabulary=known)
        kept, _ = map_types(exceptions, config, vocabulary=known)
        listed = {p for v in mapping.values() for p in v.split(" ") if p}
        stopwords |= listed - {p for v in kept.values() for p in v.split(" ") if p}
    return frozenset(stopwords)


class MultiwordJoiner:
    """Join multiword expressions in token sequences: a fixed list and learned phrases.

    Parameters
    ----------
    expressions : iterable of tuple of str
        Normalized expressions (token tuples) from the shipped list.
    phrases : gensim FrozenPhrases, optional
        Collocations learned from the corpus, applied after the list.
    """

    def __init__(self, expressions: Iterable[tuple[str, ...]] = (), phrases=None):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for expression in sorted(set(expressions), key=len, reverse=True):
            if len(expression) > 1:
                self.by_first.setdefault(expression[0], []).append(expression)
        self.phrases = phrases

    def __call__(self, tokens: Sequence[str]) -> list[str]:
        """The tokens with every expression of the list, then of the phrases, joined by ``_``."""
        joined: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            for expression in self.by_first.get(tokens[i], ()):
                if tuple(tokens[i : i + len(expression)]) == expression:
                    joined.append("_".join(expression))
                    i += len(expression)
                    break
            else:
                joined.append(tokens[i])
                i += 1
        if self.phrases is not None:
            joined = self.phrases[joined]
        return joined


def learn_phrases(
    sequences: Sequence[Sequence[str]], connector_words: frozenset[str], min_count: int,
    threshold: float,
):  # fmt: skip
    """Learn two-word collocations with gensim Phrases, NPMI scoring; stopwords may sit
    inside a phrase but never start or end one. Returns the frozen phrases and a table."""
    from gensim.models.phrases import Phrases

    model = Phrases(
        sequences,
        min_count=min_count,
        threshold=threshold,
        scoring="npmi",
        connector_words=connector_words,
        delimiter="_",
    )
    frozen = model.freeze()
    table = pd.DataFrame(
        sorted(frozen.phrasegrams.items(), key=lambda kv: (-kv[1], kv[0])),
        columns=["expression", "score"],
    )
    return frozen, table


def normalize_expressions(
    expressions: Iterable[str], settings: NormalizationSettings, vocabulary: Mapping[str, int]
) -> list[tuple[str, ...]]:
    """Normalize listed expressions (one per entry, as written) into token tuples."""
    expressions = [e.split() for e in expressions if e.strip() and not e.startswith("#")]
    words = {w for surface in expressions for w in surface}
    known = dict.fromkeys(words, 1) | dict(vocabulary)
    mapping, _ = map_types(words, replace(settings, split_glued_waw=False), vocabulary=known)
    results = []
    for surface in expressions:
        tokens = tuple(p for t in surface for p in mapping[t].split(" ") if p)
        if len(tokens) > 1:
            results.append(tokens)
    return results


def normalize_terms(
    terms: Iterable[str],
    settings: NormalizationSettings,
    vocabulary: Mapping[str, int] | frozenset[str] = frozenset(),
    stopwords: frozenset[str] | None = None,
    joiner: MultiwordJoiner | None = None,
) -> list[list[str]]:
    """Normalize free-text terms (theme seed words, queries) exactly like the corpus.

    Returns one token list per term; a multiword term gives several tokens, or one joined
    term when it is a multiword expression, and a term made only of stopwords gives an
    empty list.
    """
    vocabulary = dict(Counter(vocabulary)) if not isinstance(vocabulary, Mapping) else vocabulary
    if stopwords is None:
        stopwords = normalized_stopwords(settings, vocabulary)
    if joiner is None:
        listed = normalize_expressions(settings.multiword_list, settings, vocabulary)
        joiner = MultiwordJoiner(listed if settings.multiword_expressions else ())
    config = replace(settings, split_glued_waw=False)
    surfaces = [(remove_html(t) if settings.remove_html else t).split() for t in terms]
    words = {w for surface in surfaces for w in surface}
    known = dict.fromkeys(words, 1) | dict(vocabulary)
    mapping, _ = map_types(words, config, vocabulary=known)
    sequences = [joiner([p for t in s for p in mapping[t].split(" ") if p]) for s in surfaces]
    final_known = known | dict.fromkeys((t for seq in sequences for t in seq), 1)
    types = {t for seq in sequences for t in seq}
    final, _ = map_types(types, config, FINAL_RULES, stopwords, vocabulary=final_known)
    return [[p for t in seq for p in final[t].split(" ") if p] for seq in sequences]


# ---------------------------------------------------------------------------------------
# The stage


@dataclass
class NormalizedCorpus:
    """What :func:`normalize_documents` returns."""

    tokens: list[tuple[str, list[str]]]
    steps: pd.DataFrame
    removed_lines: pd.DataFrame
    examples: pd.DataFrame
    expressions: pd.DataFrame = field(default_factory=pd.DataFrame)


def _counts_row(step: str, counts: Mapping[str, int]) -> dict:
    return {"step": step, "tokens": int(sum(counts.values())), "vocabulary": len(counts)}


def _text_counts(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text.split())
    return counts


def _record_history(history, type_counts, steps, examples, max_examples) -> None:
    """Add the counts row and the before/after examples of each rule of a phase."""
    previous = {t: t for t in type_counts}
    for name, after in history:
        steps.append(_counts_row(name, _value_counts(after, type_counts)))
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


def normalize_documents(
    documents: Sequence[Mapping], settings: NormalizationSettings, max_examples: int = 15
) -> NormalizedCorpus:
    """Normalize and tokenize documents, recording the effect of every rule.

    Parameters
    ----------
    documents : sequence of dict
        Records with ``doc_id``, ``text`` and optionally ``source`` (from the corpus stage;
        recurring boilerplate lines are counted per source folder or file).
    settings : NormalizationSettings
        The switches of the stage.
    max_examples : int
        Tokens changed by each rule kept as examples.

    Returns
    -------
    NormalizedCorpus
        Tokens per document, token and vocabulary counts after each rule, the removed
        boilerplate lines with their counts, before/after examples per rule, and the
        multiword expressions found with their origin, score and count.
    """
    texts = [doc["text"] for doc in documents]
    steps = [_counts_row("raw", _text_counts(texts))]
    if settings.remove_html:
        texts = [remove_html(text) for text in texts]
        steps.append(_counts_row("html", _text_counts(texts)))

    groups: dict[str, list[int]] = {}
    for i, doc in enumerate(documents):
        groups.setdefault(source_group(str(doc.get("source", ""))), []).append(i)
    recurring: dict[int, frozenset[str]] = {}
    for members in groups.values():
        lines = find_recurring_lines(
            (texts[i] for i in members), settings.recurring_line_min_documents
        )
        recurring.update(dict.fromkeys(members, lines))
    removed: Counter[tuple[str, str]] = Counter()
    surface_tokens = []
    for i, text in enumerate(texts):
        text, lines = remove_boilerplate_lines(text, settings.compiled_patterns, recurring[i])
        removed.update(set(lines))
        surface_tokens.append(text.split())
    type_counts = Counter(t for tokens in surface_tokens for t in tokens)
    steps.append(_counts_row("boilerplate_lines", type_counts))

    examples: list[dict] = []
    mapping, history = map_types(type_counts, settings, TYPE_RULES)
    _record_history(history, type_counts, steps, examples, max_examples)
    parts = {t: v.split(" ") if v else [] for t, v in mapping.items()}
    sequences = [[p for t in tokens for p in parts[t]] for tokens in surface_tokens]
    vocabulary = _value_counts(mapping, type_counts)

    stopwords = normalized_stopwords(settings, vocabulary)
    expressions = pd.DataFrame(columns=["expression", "origin", "score", "count"])
    if settings.multiword_expressions:
        listed = normalize_expressions(settings.multiword_list, settings, vocabulary)
        phrases, learned = None, pd.DataFrame(columns=["expression", "score"])
        if len(sequences) >= settings.learn_multiword_min_documents:
            phrases, learned = learn_phrases(
                sequences, stopwords, settings.multiword_min_count, settings.multiword_threshold
            )
        joiner = MultiwordJoiner(listed, phrases)
        sequences = [joiner(tokens) for tokens in sequences]
        joined = Counter(t for tokens in sequences for t in tokens)
        steps.append(_counts_row("multiword", joined))
        expressions = _expression_table(listed, learned, joined)
        for row in expressions.head(max_examples).itertuples():
            if row.count:
                examples.append(
                    {
                        "step": "multiword",
                        "before": row.expression.replace("_", " "),
                        "after": row.expression,
                        "count": row.count,
                    }
                )

    seq_counts = Counter(t for tokens in sequences for t in tokens)
    final, history = map_types(seq_counts, settings, FINAL_RULES, stopwords)
    _record_history(history, seq_counts, steps, examples, max_examples)
    final_parts = {t: v.split(" ") if v else [] for t, v in final.items()}
    tokens = [
        (doc["doc_id"], [p for t in sequence for p in final_parts[t]])
        for doc, sequence in zip(documents, sequences, strict=True)
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
        expressions=expressions,
    )


def _expression_table(
    listed: Sequence[tuple[str, ...]], learned: pd.DataFrame, joined: Mapping[str, int]
) -> pd.DataFrame:
    """Every expression of the list and every learned phrase, with its count in the corpus."""
    rows = [
        {"expression": "_".join(e), "origin": "list", "score": float("nan")}
        for e in sorted(set(listed))
    ]
    rows += [
        {"expression": r.expression, "origin": "learned", "score": float(r.score)}
        for r in learned.itertuples()
    ]
    table = pd.DataFrame(rows, columns=["expression", "origin", "score"])
    table["count"] = [int(joined.get(e, 0)) for e in table["expression"]]
    return table.sort_values(["count", "expression"], ascending=[False, True], ignore_index=True)


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
