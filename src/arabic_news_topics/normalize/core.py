"""Stage 2: Arabic normalization and tokenization as an ordered list of small rules.

Only two rules need whole documents: HTML tags and boilerplate lines. After them the text is
split on whitespace and every other rule runs once per distinct word type, with the result
cached, because Arabic news has far fewer types than tokens. A type rule maps a token to a
string: ``""`` removes it, a space splits it (punctuation inside a token, glued words).

The type rules run in the order of :data:`TYPE_RULES` then :data:`FINAL_RULES`, then
multiword expressions are joined on the token sequences:

1. characters and clitics: unicode, urls_emails, punctuation, digits, latin, diacritics,
   tatweel, glued_waw, proclitics, alef, yaa, taa_marbuta, hamza;
2. words: stopwords, stemmer, min_length. Stopwords go before the stemmer: a stemmed
   stopword would remove every content word with the same stem (with root stemming, many);
3. multiword: expressions of a shipped list (normalized through the same rules), and
   collocations learned with gensim Phrases (NPMI) on large corpora, become one term joined
   by ``_`` (``شرق_اوسط``). Last, so that the per-type rules compose into one mapping and the
   token sequences are built once.

Each rule is a small pure function with its own config switch; a new rule is one function,
one entry in a rule list and one switch.
"""

from __future__ import annotations

import hashlib
import heapq
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import compress, count

import pandas as pd
from arabicstopwords import arabicstopwords

from .patterns import LinePatterns

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
# Basic Latin, Latin-1, Extended A and B, IPA, and Extended Additional (ṛ ẓ of Tamazight).
LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u02AF\u1E00-\u1EFF]+")
# A line with no letter or digit at all: "&", "***", "-----".
SEPARATOR_LINE_RE = re.compile(r"^[^\w]*$")
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
PROCLITIC_INITIALS = frozenset("وفبكلا")
#: Attached pronouns, longest first. ي, ك and ه are left: دولي and شريك would lose a
#: letter, and once taa marbuta is folded, دوله (state) would become دول (states).
PRONOUN_SUFFIXES = ("كما", "هما", "هم", "هن", "كم", "كن", "نا", "ها")
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
#: A corpus word replaces a token (proclitic, suffix) only if at least this many times as
#: frequent as the token.
MIN_COUNT_RATIO = 0.1


@dataclass(frozen=True)
class NormalizationSettings:
    """Switches and lists of the normalization stage (``normalize`` in the config)."""

    normalize_unicode: bool = True
    remove_html: bool = True
    # The defaults are those of workflow/schemas/config.schema.yaml (tests/test_config.py).
    boilerplate_patterns: tuple[str, ...] = (
        "نستجرام|نستغرام|nstagram",
        "ضغط هنا",
        "للإشتراك|للاشتراك",
        "التعليقات",
        "نسخ الرابط",
        "^(أخبار|شارك|طباعة|اقرأ أيضا|اقرأ أيضاً)$",
        r"^المصدر\s*:",
    )
    boilerplate_max_words: int = 30
    recurring_line_min_documents: int = 10
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
    multiword_expressions: bool = False
    multiword_list: tuple[str, ...] = ()
    learn_multiword: bool = False
    learn_multiword_min_documents: int = 1000
    multiword_min_count: int = 20
    multiword_threshold: float = 0.5
    remove_stopwords: bool = True
    extra_stopwords: tuple[str, ...] = ()
    stopword_exceptions: tuple[str, ...] = (
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
        "شمالي",
        "جنوبي",
        "شرقي",
        "غربي",
        "أمن",
        "آمين",
    )
    remove_reporting_words: bool = True
    reporting_words: tuple[str, ...] = ()
    stemmer: str = "none"
    min_token_length: int = 2
    compiled_patterns: LinePatterns = field(default=LinePatterns(), compare=False, repr=False)

    def __post_init__(self) -> None:
        # The boilerplate patterns, compiled once (again when replace() changes them), for
        # RE2: a user's pattern cannot hang the job (normalize/patterns.py says why).
        if self.compiled_patterns.patterns != tuple(self.boilerplate_patterns):
            compiled = LinePatterns(self.boilerplate_patterns)
            object.__setattr__(self, "compiled_patterns", compiled)

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
            if key in values:
                values[key] = tuple(values[key])
        if values.get("stemmer", "none") not in STEMMERS:
            raise ValueError(f"normalize.stemmer must be one of {STEMMERS}")
        return cls(**values)


# ---------------------------------------------------------------------------------------
# Document rules: on whole texts.


def remove_html(text: str) -> str:
    """Replace HTML tags (and ``<...>`` cuts) by a space and decode HTML entities."""
    if "<" not in text and "&" not in text:
        return text
    return html.unescape(HTML_TAG_RE.sub(" ", text))


def boilerplate_line_reason(
    line: str,
    patterns: LinePatterns,
    recurring: frozenset[str] = frozenset(),
    max_words: int | None = None,
) -> str:
    """Why a line is boilerplate: ``separator``, ``pattern:<regex>``, ``recurring``, or ``""``.

    ``pattern:<regex>`` names the first of ``patterns`` (in the config's order) found in the
    line. Patterns are tried only on lines of at most ``max_words`` words: boilerplate is short,
    and in corpora whose articles are one line long a pattern would otherwise delete a whole
    article that merely mentions التعليقات.
    """
    stripped = line.strip()
    if not stripped:
        return ""
    if SEPARATOR_LINE_RE.match(stripped):
        return "separator"
    if max_words is None or len(stripped.split(None, max_words)) <= max_words:
        pattern = patterns.first_match(stripped)
        if pattern is not None:
            return f"pattern:{pattern}"
    return "recurring" if stripped in recurring else ""


def remove_boilerplate_lines(
    text: str,
    patterns: LinePatterns,
    recurring: frozenset[str] = frozenset(),
    max_words: int | None = None,
) -> tuple[str, list[tuple[str, str]]]:
    """Drop boilerplate lines; return the text and the removed ``(line, reason)`` pairs."""
    kept, removed = _split_boilerplate(text, patterns, recurring, max_words)
    return "\n".join(kept), removed


def _split_boilerplate(
    text: str,
    patterns: LinePatterns,
    recurring: frozenset[str],
    max_words: int | None = None,
) -> tuple[list[str], list[tuple[str, str]]]:
    """The kept lines of a text and the removed ``(line, reason)`` pairs."""
    kept, removed = [], []
    for line in text.splitlines():
        reason = boilerplate_line_reason(line, patterns, recurring, max_words)
        if reason:
            removed.append((line.strip(), reason))
        else:
            kept.append(line)
    return kept, removed


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


def _frequent_enough(candidate: str, token: str, known_words) -> bool:
    """Whether ``candidate`` is a corpus word common enough, next to ``token``, to replace it.

    With counts, the candidate must occur at least :data:`MIN_COUNT_RATIO` times as often
    as the token: a large corpus holds some stray زير or تاب, and وزير or كتاب must not be
    cut to them, while وروسيا and روسيا, or علاقات and علاقه, are of one order.
    """
    if isinstance(known_words, Mapping):
        count = known_words.get(candidate, 0)
        return count > 0 and count >= MIN_COUNT_RATIO * known_words.get(token, 0)
    return candidate in known_words


def strip_proclitics(
    token: str,
    known_words: Mapping[str, int] | frozenset[str] | set[str] | None = None,
    min_stem_length: int = 3,
) -> str:
    """Strip one proclitic group (و ف ب ك ل ال and their combinations).

    Article groups (ال، وال، بال، لل ...) are stripped when at least ``min_stem_length``
    letters remain. Particles without the article (و ف ب ك ل) are stripped only when the
    rest is itself a word of ``known_words`` (the corpus vocabulary, with counts: a word
    common enough next to the token), because a leading و or ف is as often part of the word
    (وزير، فرنسا) as a conjunction. A bare article group (from "الـ 26") is removed.
    """
    if token[:1] not in PROCLITIC_INITIALS:
        return token
    if token in ARTICLE_PROCLITICS:
        # An article cut off from its word ("الـ 26"): nothing of the word is left.
        return ""
    for prefix in ARTICLE_PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= min_stem_length:
            return token[len(prefix) :]
    if known_words and token[0] != "ا":
        for prefix in PARTICLE_PROCLITICS:
            rest = token[len(prefix) :]
            if (
                token.startswith(prefix)
                and len(rest) >= min_stem_length
                and _frequent_enough(rest, token, known_words)
            ):
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


def light_stem(
    token: str, known_words: Mapping[str, int] | frozenset[str] | set[str], min_stem_length: int = 3
) -> str:
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
            found = next((c for c in candidates if _frequent_enough(c, token, known_words)), None)
            if found:
                token = found
                break
    for suffix, replacements in INFLECTION_SUFFIXES:
        if token.endswith(suffix):
            base = token[: -len(suffix)]
            for ending in replacements:
                candidate = base + ending
                if len(candidate) >= min_stem_length and _frequent_enough(
                    candidate, token, known_words
                ):
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
#: Word rules, after the character rules and before multiword expressions.
FINAL_RULES: list[tuple[str, str]] = [
    ("stopwords", "remove_stopwords"),
    ("stemmer", "stemmer"),
    ("min_length", "min_token_length"),
]
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


#: The rules that read the corpus's word counts (their decisions depend on the corpus).
CORPUS_AWARE_RULES = frozenset({"glued_waw", "proclitics", "stemmer"})


def _enabled(settings: NormalizationSettings, switch: str) -> bool:
    if switch == "remove_stopwords":
        # One rule removes the words of every enabled list.
        return settings.remove_stopwords or bool(
            settings.remove_reporting_words and settings.reporting_words
        )
    value = getattr(settings, switch)
    return value != "none" if switch == "stemmer" else bool(value)


def enabled_token_rules(settings: NormalizationSettings) -> list[str]:
    """Names of the rules after tokenization that the settings switch on, in order."""
    rules = [*TYPE_RULES, *FINAL_RULES]
    names = [name for name, switch in rules if _enabled(settings, switch)]
    return [*names, "multiword"] if settings.multiword_expressions else names


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
        return lambda t: strip_proclitics(t, counts, settings.min_stem_length)
    if name == "stopwords":
        return lambda t: "" if t in stopwords else t
    if name == "stemmer":
        if settings.stemmer == "root":
            return root_stem
        return lambda t: light_stem(t, counts, settings.min_stem_length)
    if name == "min_length":
        return lambda t: t if len(t) >= settings.min_token_length else ""
    raise KeyError(name)


def _rule_changes(
    rule: TypeRule, name: str, forms: list[str], stopwords: frozenset[str] = frozenset()
) -> dict[str, str]:
    """What a rule changes among distinct single-word forms: form -> new string."""
    if name == "stopwords":
        return dict.fromkeys(stopwords.intersection(forms), "")
    if name in _PLAIN_RULES and forms:
        # Character rules never touch a newline: run them once over all forms joined.
        results = rule("\n".join(forms)).split("\n")
        if len(results) != len(forms):  # pragma: no cover - a rule that broke that promise
            results = [rule(f) for f in forms]
    else:
        results = [rule(f) for f in forms]
    changes = {}
    for form, result in zip(forms, results, strict=True):
        if result != form:
            changes[form] = " ".join(result.split()) if " " in result else result
    return changes


@dataclass
class RuleRun:
    """The effect of one rule on a vocabulary: what it changed, and the counts after it."""

    name: str
    changes: dict[str, str]
    tokens: int
    vocabulary: int
    examples: list[dict]


def run_rules(
    counts: Mapping[str, int],
    settings: NormalizationSettings,
    rules: Sequence[tuple[str, str]] = TYPE_RULES,
    stopwords: frozenset[str] = frozenset(),
    vocabulary: Mapping[str, int] | None = None,
    max_examples: int = 15,
    rule_counts: Mapping[str, Mapping[str, int]] | None = None,
    record: dict[str, dict[str, int]] | None = None,
) -> tuple[list[RuleRun], Counter[str]]:
    """Apply the enabled rules of ``rules`` to a vocabulary, each distinct form once.

    Parameters
    ----------
    counts : mapping of str to int
        Distinct single-word forms and their corpus counts.
    settings : NormalizationSettings
        Which rules run.
    rules : sequence of (name, switch)
        :data:`TYPE_RULES` or :data:`FINAL_RULES`.
    stopwords : frozenset of str
        Stopwords already normalized like the text (see :func:`normalized_stopwords`).
    vocabulary : mapping of str to int, optional
        Word counts for the corpus-aware rules (glued_waw, proclitics, stemmer); by default
        the forms themselves, with their counts as they stand before each rule.
    max_examples : int
        Changed forms kept as examples per rule, most frequent first.
    rule_counts : mapping of rule name to word counts, optional
        Word counts for the named corpus-aware rules, before ``vocabulary``: the training
        counts that :class:`Normalizer` replays on forms it never saw.
    record : dict, optional
        Filled with a copy of the word counts each corpus-aware rule read, by rule name.

    Returns
    -------
    runs : list of RuleRun
        One per rule run, in order.
    counts : Counter
        The forms and counts after the last rule.
    """
    current: Counter[str] = Counter(counts)
    runs = []
    for name, switch in rules:
        if not _enabled(settings, switch):
            continue
        known = current if vocabulary is None else vocabulary
        if rule_counts is not None and name in rule_counts:
            known = rule_counts[name]
        if record is not None and name in CORPUS_AWARE_RULES:
            record[name] = dict(known)
        rule = _bind_rule(name, settings, known, stopwords)
        changes = _rule_changes(rule, name, list(current), stopwords)
        moved = [(form, current.pop(form)) for form in changes]
        for form, n in moved:
            for part in changes[form].split(" ") if changes[form] else ():
                current[part] += n
        top = heapq.nsmallest(max_examples, moved, key=lambda fn: (-fn[1], fn[0]))
        examples = [{"step": name, "before": f, "after": changes[f], "count": n} for f, n in top]
        runs.append(RuleRun(name, changes, sum(current.values()), len(current), examples))
    return runs, current


def compose(runs: Sequence[RuleRun], forms: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The normalized tokens of every form after all the runs (``()``: removed).

    Each rule is applied once to the current value of every form with ``map`` (in C), so a
    form moves at most once per rule. A value split in several words by a rule is kept
    aside as a list of parts, and the later rules apply to each part.
    """
    forms = list(dict.fromkeys(forms))
    values = list(forms)
    multi: dict[int, list[str]] = {}  # form index -> its current parts, once split
    for run in runs:
        changes = run.changes
        if not changes:
            continue
        for parts in multi.values():
            if any(map(changes.__contains__, parts)):
                parts[:] = [q for p in parts for q in changes.get(p, p).split(" ") if q]
        # Rule keys are single words: a split value (with spaces) is never changed again here.
        values = list(map(changes.get, values, values))
        split = {new for new in changes.values() if " " in new}
        if split:
            for i in compress(count(), map(split.__contains__, values)):
                if i not in multi:
                    multi[i] = values[i].split(" ")
    final = {form: (value,) if value else () for form, value in zip(forms, values, strict=True)}
    final.update((forms[i], tuple(parts)) for i, parts in multi.items())
    return final


def map_types(
    types: Mapping[str, int] | Iterable[str],
    settings: NormalizationSettings,
    rules: Sequence[tuple[str, str]] = TYPE_RULES,
    stopwords: frozenset[str] = frozenset(),
    vocabulary: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Surface form to normalized string (``""``: removed, spaces between split parts)."""
    counts = types if isinstance(types, Mapping) else dict.fromkeys(types, 1)
    singles = Counter()
    for form, n in counts.items():
        for part in form.split():
            singles[part] += n
    runs, _ = run_rules(singles, settings, rules, stopwords, vocabulary, max_examples=0)
    final = compose(runs, singles)
    return {form: " ".join(q for p in form.split() for q in final[p]) for form in counts}


def normalize_characters(text: str, settings: NormalizationSettings) -> str:
    """Character-level normalization of a text (no clitics, stemming or stopwords).

    Unicode, HTML, URLs, punctuation, digits, Latin, diacritics, tatweel and the letter
    folds, as switched on: the text with its words normalized and joined by single spaces.
    """
    if settings.remove_html:
        text = remove_html(text)
    letters = replace(settings, split_glued_waw=False, strip_proclitics=False)
    mapping = map_types(set(text.split()), letters)
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
        mapping = map_types(words, config, vocabulary=known)
        kept = map_types(exceptions, config, vocabulary=known)
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
        #: Listed expressions joined so far, with their counts.
        self.joined: Counter[str] = Counter()

    def __call__(self, tokens: Sequence[str]) -> list[str]:
        """The tokens with every expression of the list, then of the phrases, joined by ``_``."""
        by_first = self.by_first
        starts = list(compress(count(), map(by_first.__contains__, tokens)))
        if starts:
            joined: list[str] = []
            done = 0
            for i in starts:
                if i < done:
                    continue
                for expression in by_first[tokens[i]]:
                    if tuple(tokens[i : i + len(expression)]) == expression:
                        joined += tokens[done:i]
                        joined.append(term := "_".join(expression))
                        self.joined[term] += 1
                        done = i + len(expression)
                        break
            tokens = joined + list(tokens[done:])
        if self.phrases is not None:
            return self.phrases[list(tokens)]
        return list(tokens)


def learn_phrases(sequences: Sequence[Sequence[str]], min_count: int, threshold: float):
    """Learn two-word collocations with gensim Phrases, NPMI scoring, on normalized tokens
    (stopwords already out). Returns the frozen phrases and a table of them with scores."""
    from gensim.models.phrases import Phrases

    model = Phrases(
        sequences, min_count=min_count, threshold=threshold, scoring="npmi", delimiter="_"
    )
    frozen = model.freeze()
    table = pd.DataFrame(
        sorted(frozen.phrasegrams.items(), key=lambda kv: (-kv[1], kv[0])),
        columns=["expression", "score"],
    )
    return frozen, table


def _without(counts: Mapping[str, int], stopwords: frozenset[str]) -> dict[str, int]:
    """Word counts without the stopwords: what the stemmer sees in the text, where stopwords
    are gone before it runs."""
    return {w: n for w, n in counts.items() if w not in stopwords}


def normalize_expressions(
    expressions: Iterable[str],
    settings: NormalizationSettings,
    vocabulary: Mapping[str, int],
    stopwords: frozenset[str] = frozenset(),
) -> list[tuple[str, ...]]:
    """Normalize listed expressions (one per entry, as written) into token tuples, through
    the same rules as the text (stopwords included), so that they match its tokens."""
    expressions = [e.split() for e in expressions if e.strip() and not e.startswith("#")]
    words = {w for surface in expressions for w in surface}
    known = dict.fromkeys(words, 1) | dict(vocabulary)
    config = replace(settings, split_glued_waw=False)
    mapping = map_types(words, config, vocabulary=known)
    parts = {w: mapping[w].split() for w in words}
    found = {p for ps in parts.values() for p in ps}
    final = map_types(found, config, FINAL_RULES, stopwords, vocabulary=_without(known, stopwords))
    results = []
    for surface in expressions:
        tokens = tuple(q for w in surface for p in parts[w] for q in final[p].split())
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
        listed = normalize_expressions(settings.multiword_list, settings, vocabulary, stopwords)
        joiner = MultiwordJoiner(listed if settings.multiword_expressions else ())
    config = replace(settings, split_glued_waw=False)
    surfaces = [(remove_html(t) if settings.remove_html else t).split() for t in terms]
    words = {w for surface in surfaces for w in surface}
    known = dict.fromkeys(words, 1) | dict(vocabulary)
    mapping = map_types(words, config, vocabulary=known)
    found = {p for w in words for p in mapping[w].split()}
    final = map_types(found, config, FINAL_RULES, stopwords, vocabulary=_without(known, stopwords))
    return [
        joiner([q for w in surface for p in mapping[w].split() for q in final[p].split()])
        for surface in surfaces
    ]


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


class _Flattener:
    """Normalized tokens of a sequence from the composed mapping; runs once per token, so the
    common case (no form of the sequence splits in parts) stays in C: map and filter."""

    def __init__(self, final: Mapping[str, tuple[str, ...]]):
        self.text = {form: " ".join(value) for form, value in final.items()}
        self.split_forms = frozenset(form for form, value in final.items() if len(value) > 1)

    def __call__(self, tokens: Sequence[str]) -> list[str]:
        if self.split_forms.isdisjoint(tokens):
            return list(filter(None, map(self.text.__getitem__, tokens)))
        return " ".join(map(self.text.__getitem__, tokens)).split()


# The stage runs in passes that a workflow can split into one job per shard of documents
# (map) and one job that merges (reduce), with the same result as one pass over all of them:
#   1. recurring_lines_by_source: one streaming pass over all documents (lines per source);
#   2. count_shard per shard, then build_normalizer on the summed counts: the corpus-aware
#      rules need the vocabulary of the whole corpus;
#   3. Normalizer.tokenize per shard, then finish_corpus: learned collocations and tables.
# normalize_documents runs them all in memory, as one shard.


def recurring_lines_by_source(
    documents: Iterable[Mapping], settings: NormalizationSettings
) -> dict[str, frozenset[str]]:
    """Lines found in at least ``recurring_line_min_documents`` documents of one source.

    Streams the documents once; documents are grouped by their ``source`` (the outlet, or
    the folder or file they come from). Memory: an 8-byte digest per distinct line, and the
    text only of lines seen in two documents or more.
    """
    min_documents = settings.recurring_line_min_documents
    if min_documents < 2:
        return {}
    counts: dict[str, Counter[bytes]] = {}
    texts: dict[bytes, str] = {}
    for doc in documents:
        text = remove_html(doc["text"]) if settings.remove_html else doc["text"]
        group = counts.setdefault(str(doc.get("source", "")), Counter())
        for line in {line.strip() for line in text.splitlines()}:
            if line:
                key = hashlib.blake2b(line.encode(), digest_size=8).digest()
                group[key] += 1
                if group[key] == 2:
                    texts[key] = line
    return {
        source: frozenset(texts[key] for key, n in group.items() if n >= min_documents)
        for source, group in sorted(counts.items())
    }


@dataclass
class ShardCounts:
    """What a shard of documents adds to the corpus-wide counts (see :func:`count_shard`).

    Counts add up: the sum over shards equals the counts of all documents at once.
    """

    #: Whitespace tokens after the document rules (HTML, boilerplate lines).
    tokens: Counter[str] = field(default_factory=Counter)
    #: Words of the removed boilerplate lines.
    removed_words: Counter[str] = field(default_factory=Counter)
    #: Removed ``(line, reason)`` pairs, in how many documents.
    removed_lines: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Raw tokens minus tokens after the HTML rule, in the documents that rule changed.
    html_delta: Counter[str] = field(default_factory=Counter)
    documents: int = 0

    def __add__(self, other: ShardCounts) -> ShardCounts:
        merged = ShardCounts()
        for name in ("tokens", "removed_words", "removed_lines", "html_delta"):
            total = Counter(getattr(self, name))
            total.update(getattr(other, name))  # update keeps zero and negative counts
            setattr(merged, name, total)
        merged.documents = self.documents + other.documents
        return merged


def _document_tokens(
    doc: Mapping,
    settings: NormalizationSettings,
    recurring: Mapping[str, frozenset[str]],
    counts: ShardCounts | None = None,
) -> list[str]:
    """Whitespace tokens of a document after the document rules; adds to ``counts``."""
    original = doc["text"]
    text = remove_html(original) if settings.remove_html else original
    kept, lines = _split_boilerplate(
        text,
        settings.compiled_patterns,
        recurring.get(str(doc.get("source", "")), frozenset()),
        settings.boilerplate_max_words,
    )
    tokens = " ".join(kept).split() if lines else text.split()
    if counts is not None:
        counts.documents += 1
        counts.tokens.update(tokens)
        if lines:
            counts.removed_lines.update(set(lines))
            counts.removed_words.update(w for line, _ in lines for w in line.split())
        if text is not original:
            counts.html_delta.update(original.split())
            counts.html_delta.subtract(text.split())
    return tokens


def count_shard(
    documents: Iterable[Mapping],
    settings: NormalizationSettings,
    recurring: Mapping[str, frozenset[str]],
) -> ShardCounts:
    """Token counts of a shard of documents after the document rules (pass 2, map)."""
    counts = ShardCounts()
    for doc in documents:
        _document_tokens(doc, settings, recurring, counts)
    return counts


@dataclass
class Normalizer:
    """The normalization of one corpus, built from its counts (:func:`build_normalizer`).

    Holds the composed mapping from every surface form of the corpus to its tokens, the
    normalized expression list, and the tables of the rules so far. It pickles, so that a
    workflow builds it once and tokenizes each shard with it in a separate job.
    """

    settings: NormalizationSettings
    recurring: dict[str, frozenset[str]]
    final: dict[str, tuple[str, ...]]
    listed: list[tuple[str, ...]]
    steps: list[dict]
    examples: list[dict]
    removed_lines: pd.DataFrame
    vocabulary: Counter[str]
    final_counts: Counter[str]
    #: Per final term, its written forms (before letter folding) with their counts, most
    #: frequent first (:func:`written_forms`).
    written: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: The word counts each corpus-aware rule read while it ran on the corpus, and the
    #: normalized stopwords: what :meth:`normalize_forms` replays on forms never seen.
    rule_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    #: Collocations learned from the corpus (gensim ``FrozenPhrases``), known only once all
    #: shards are tokenized (:func:`finish_corpus`); set in a model bundle, where
    #: :meth:`transform` joins them as the corpus's tokens were.
    phrases: object = None

    def __post_init__(self) -> None:
        self._flatten = _Flattener(self.final)
        self._unseen: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_flatten")
        state.pop("_unseen", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    def joiner(self) -> MultiwordJoiner:
        """A joiner of the listed expressions (none when multiword expressions are off)."""
        return MultiwordJoiner(self.listed if self.settings.multiword_expressions else ())

    def tokenize(
        self, documents: Iterable[Mapping], joiner: MultiwordJoiner | None = None
    ) -> Iterable[tuple[str, list[str]]]:
        """``(doc_id, tokens)`` of each document, lazily (pass 3, map): the document rules,
        the composed mapping, and the listed multiword expressions (``joiner`` counts them)."""
        joiner = joiner if joiner is not None else self.joiner()
        for doc in documents:
            tokens = self._flatten(_document_tokens(doc, self.settings, self.recurring))
            yield doc["doc_id"], joiner(tokens) if joiner.by_first else tokens

    def normalize_forms(self, forms: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The tokens of each whitespace form (``()``: removed): the corpus's own mapping
        where the corpus had the form, else every rule run again on it, the corpus-aware
        ones (glued waw, proclitics, light stemmer) deciding by the corpus's counts as they
        stood when each ran (:attr:`rule_counts`). A form the corpus had gets the same tokens
        either way (a test replays every form of a corpus). Results are cached."""
        result, unseen = {}, []
        for form in dict.fromkeys(forms):
            if form in self.final:
                result[form] = self.final[form]
            elif form in self._unseen:
                result[form] = self._unseen[form]
            else:
                unseen.append(form)
        if unseen:
            counts = Counter(unseen)
            runs, after = run_rules(
                counts, self.settings, TYPE_RULES, rule_counts=self.rule_counts, max_examples=0
            )
            final_runs, _ = run_rules(
                after,
                self.settings,
                FINAL_RULES,
                self.stopwords,
                rule_counts=self.rule_counts,
                max_examples=0,
            )
            composed = compose([*runs, *final_runs], unseen)
            self._unseen.update(composed)
            result.update(composed)
        return result

    def transform(self, documents: Iterable[Mapping]) -> Iterable[tuple[str, list[str], int, int]]:
        """``(doc_id, tokens, unseen, forms)`` of each new document, lazily: :meth:`tokenize`
        for documents the normalizer was not built on, with forms it never saw normalized by
        :meth:`normalize_forms`; ``forms`` counts the document's whitespace forms after the
        document rules (HTML, boilerplate lines), ``unseen`` those the corpus never had.
        Listed multiword expressions are joined as in :meth:`tokenize`, then the learned
        collocations (:attr:`phrases`) where they are set."""
        joiner = self.joiner()
        joiner.phrases = self.phrases
        for doc in documents:
            forms = _document_tokens(doc, self.settings, self.recurring)
            unseen = len(forms) - sum(map(self.final.__contains__, forms))
            if unseen:
                mapping = self.normalize_forms(forms)
                tokens = [token for form in forms for token in mapping[form]]
            else:
                tokens = self._flatten(forms)
            if joiner.by_first or joiner.phrases is not None:
                tokens = joiner(tokens)
            yield doc["doc_id"], tokens, unseen, len(forms)


def build_normalizer(
    counts: ShardCounts,
    settings: NormalizationSettings,
    recurring: Mapping[str, frozenset[str]] | None = None,
    max_examples: int = 15,
) -> Normalizer:
    """Run every type and word rule once per distinct form of the corpus (pass 2, reduce).

    Parameters
    ----------
    counts : ShardCounts
        The counts of all documents (the sum of :func:`count_shard` over the shards).
    settings : NormalizationSettings
        The switches of the stage.
    recurring : dict of str to frozenset of str, optional
        Recurring boilerplate lines per source (:func:`recurring_lines_by_source`).
    max_examples : int
        Tokens changed by each rule kept as examples.
    """
    type_counts = +counts.tokens
    after_html = type_counts + counts.removed_words
    steps = []
    if settings.remove_html:
        steps.append(_counts_row("raw", +(after_html + counts.html_delta)))
        steps.append(_counts_row("html", after_html))
    else:
        steps.append(_counts_row("raw", after_html))
    steps.append(_counts_row("boilerplate_lines", type_counts))
    rule_counts: dict[str, dict[str, int]] = {}
    runs, vocabulary = run_rules(
        type_counts, settings, TYPE_RULES, max_examples=max_examples, record=rule_counts
    )
    stopwords = normalized_stopwords(settings, vocabulary)
    final_runs, final_counts = run_rules(
        vocabulary, settings, FINAL_RULES, stopwords, max_examples=max_examples, record=rule_counts
    )
    listed = []
    if settings.multiword_expressions:
        listed = normalize_expressions(settings.multiword_list, settings, vocabulary, stopwords)
    all_runs = [*runs, *final_runs]
    steps += [{"step": r.name, "tokens": r.tokens, "vocabulary": r.vocabulary} for r in all_runs]
    removed_lines = pd.DataFrame(
        [
            {"line": line, "reason": reason, "documents": n}
            for (line, reason), n in sorted(
                (+counts.removed_lines).items(), key=lambda kv: (-kv[1], kv[0])
            )
        ],
        columns=["line", "reason", "documents"],
    )
    final = compose(all_runs, type_counts)
    return Normalizer(
        settings=settings,
        recurring=dict(recurring or {}),
        final=final,
        listed=listed,
        steps=steps,
        examples=[e for r in all_runs for e in r.examples],
        removed_lines=removed_lines,
        vocabulary=vocabulary,
        final_counts=final_counts,
        written=written_forms(all_runs, type_counts, final),
        rule_counts=rule_counts,
        stopwords=stopwords,
    )


#: The rules after which a token no longer looks as the corpus wrote it (letters folded).
FOLD_RULES = frozenset({"alef", "yaa", "taa_marbuta", "hamza"})
#: Written forms kept per term in the vocabulary table.
MAX_WRITTEN_FORMS = 5


def written_forms(
    runs: Sequence[RuleRun],
    type_counts: Mapping[str, int],
    final: Mapping[str, tuple[str, ...]],
    max_forms: int = MAX_WRITTEN_FORMS,
) -> dict[str, list[tuple[str, int]]]:
    """How the corpus wrote each final term: its forms after the character rules and the
    proclitics (so الأطلسي and والأطلسي both count for أطلسي) and before letter folding,
    with their counts, most frequent first (ties: by form).

    Computed from the rule runs of :func:`build_normalizer` over the distinct forms, with no
    pass over the documents. A form whose parts are not one-to-one with its final tokens
    (a part removed as a stopword) counts for none; a term no form maps to (a multiword
    term) has no entry: :func:`display_form` builds it from its parts.
    """
    written_runs = []
    for run in runs:
        if run.name in FOLD_RULES:
            break
        written_runs.append(run)
    before_folding = compose(written_runs, type_counts)
    tallies: dict[str, Counter[str]] = {}
    for form, n in type_counts.items():
        terms = final[form]
        parts = before_folding[form]
        if not terms or len(parts) != len(terms):
            continue
        for part, term in zip(parts, terms, strict=True):
            tallies.setdefault(term, Counter())[part] += n
    return {
        term: sorted(tally.items(), key=lambda fn: (-fn[1], fn[0]))[:max_forms]
        for term, tally in tallies.items()
    }


def display_form(term: str, written: Mapping[str, Sequence[tuple[str, int]]]) -> str:
    """The form a reader sees for a normalized ``term``: its most frequent written form
    (:func:`written_forms`); the parts of a multiword term each so, joined by a space; the
    term itself when the corpus never wrote it otherwise."""
    forms = written.get(term)
    if forms:
        return forms[0][0]
    if "_" in term:
        return " ".join(display_form(part, written) for part in term.split("_") if part)
    return term


def display_terms(terms: Iterable[str], displays: Mapping[str, str]) -> list[str]:
    """The display form of each normalized term, from ``term -> display`` (the vocabulary
    table's columns): a term it lacks is shown by its parts' display forms when it is a
    multiword term, else as it is."""

    # display_form's rule on ``displays`` as it is: a dict of the whole vocabulary made
    # for each call took most of the time of a table of topic words.
    def shown(term: str) -> str:
        if display := displays.get(term):
            return display
        if "_" in term:
            return " ".join(shown(part) for part in term.split("_") if part)
        return term

    return [shown(term) for term in terms]


def with_display(frame: pd.DataFrame, displays: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with a ``display`` column (:func:`display_terms` of its ``term`` column)
    right after ``term``; unchanged when there are no ``displays``."""
    if not displays or "term" not in frame.columns:
        return frame
    frame = frame.copy()
    shown = display_terms(frame["term"].astype(str), displays)
    frame.insert(frame.columns.get_loc("term") + 1, "display", shown)
    return frame


def format_forms(forms: Sequence[tuple[str, int]]) -> str:
    """Written forms and counts for a table cell: ``رئيس (120); الرئيس (3)``."""
    return "; ".join(f"{form} ({n})" for form, n in forms)


def finish_corpus(
    normalizer: Normalizer,
    sequences: Iterable[list[str]],
    joined: Mapping[str, int],
    documents: int,
    max_examples: int = 15,
):
    """Learned collocations, final counts and the tables of the stage (pass 3, reduce).

    Parameters
    ----------
    normalizer : Normalizer
        From :func:`build_normalizer`.
    sequences : iterable of list of str
        The token lists of all documents (from :meth:`Normalizer.tokenize`, listed
        expressions joined), in order. When collocations are learned it is read twice: give
        a re-iterable (a list, or an object whose ``__iter__`` reads the shards again).
    joined : mapping of str to int
        Listed expressions joined while tokenizing, with their counts (the joiners'
        ``joined`` counters, summed over shards).
    documents : int
        Number of documents (collocations are learned only from large enough corpora).

    Returns
    -------
    phrases : gensim FrozenPhrases or None
        Collocations to join in every token list (``phrases[tokens]``), when learned.
    final_counts : Counter
        Counts of the final tokens.
    tables : dict of str to DataFrame
        ``steps``, ``examples``, ``removed_lines`` and ``expressions``.
    """
    settings = normalizer.settings
    final_counts = Counter(normalizer.final_counts)
    expressions = pd.DataFrame(columns=["expression", "origin", "score", "count"])
    steps, examples = list(normalizer.steps), list(normalizer.examples)
    phrases = None
    if settings.multiword_expressions:
        learned = pd.DataFrame(columns=["expression", "score"])
        if settings.learn_multiword and documents >= settings.learn_multiword_min_documents:
            phrases, learned = learn_phrases(
                sequences, settings.multiword_min_count, settings.multiword_threshold
            )
            final_counts = Counter()
            for tokens in sequences:
                final_counts.update(phrases[tokens])
        # Joining a listed expression only moves counts from its words to it.
        for expression, n in joined.items():
            if phrases is None:
                final_counts[expression] += n
                for word in expression.split("_"):
                    final_counts[word] -= n
        final_counts = +final_counts
        expressions = _expression_table(normalizer.listed, learned, final_counts)
        shown = expressions[expressions["count"] > 0].head(max_examples)
        examples += [
            {"step": "multiword", "before": e.replace("_", " "), "after": e, "count": n}
            for e, n in zip(shown["expression"], shown["count"], strict=True)
        ]
        steps.append(_counts_row("multiword", final_counts))
    tables = {
        "steps": pd.DataFrame(steps, columns=["step", "tokens", "vocabulary"]),
        "examples": pd.DataFrame(examples, columns=["step", "before", "after", "count"]),
        "removed_lines": normalizer.removed_lines,
        "expressions": expressions,
    }
    return phrases, final_counts, tables


def normalize_documents(
    documents: Sequence[Mapping], settings: NormalizationSettings, max_examples: int = 15
) -> NormalizedCorpus:
    """Normalize and tokenize documents, recording the effect of every rule.

    Runs the passes of the stage in memory, on all documents as one shard.

    Parameters
    ----------
    documents : sequence of dict
        Records with ``doc_id``, ``text`` and optionally ``source`` (the outlet, or the
        folder or file the document comes from: recurring boilerplate lines are counted
        per source).
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
    recurring = recurring_lines_by_source(documents, settings)
    counts = count_shard(documents, settings, recurring)
    normalizer = build_normalizer(counts, settings, recurring, max_examples)
    joiner = normalizer.joiner()
    tokens = list(normalizer.tokenize(documents, joiner))
    phrases, _, tables = finish_corpus(
        normalizer, [t for _, t in tokens], joiner.joined, len(documents), max_examples
    )
    if phrases is not None:
        tokens = [(doc_id, phrases[t]) for doc_id, t in tokens]
    return NormalizedCorpus(
        tokens=tokens,
        steps=tables["steps"],
        removed_lines=tables["removed_lines"],
        examples=tables["examples"],
        expressions=tables["expressions"],
    )


def _counts_row(step: str, counts: Mapping[str, int]) -> dict:
    return {"step": step, "tokens": int(sum(counts.values())), "vocabulary": len(counts)}


def _expression_table(
    listed: Sequence[tuple[str, ...]], learned: pd.DataFrame, joined: Mapping[str, int]
) -> pd.DataFrame:
    """Every expression of the list and every learned phrase, with its count in the corpus."""
    rows = [
        {"expression": "_".join(e), "origin": "list", "score": float("nan")}
        for e in sorted(set(listed))
    ]
    listed_terms = {row["expression"]: row for row in rows}
    for r in learned.itertuples():
        if r.expression in listed_terms:
            listed_terms[r.expression].update(origin="list+learned", score=float(r.score))
        else:
            rows.append({"expression": r.expression, "origin": "learned", "score": float(r.score)})
    table = pd.DataFrame(rows, columns=["expression", "origin", "score"])
    table["count"] = [int(joined.get(e, 0)) for e in table["expression"]]
    return table.sort_values(["count", "expression"], ascending=[False, True], ignore_index=True)


def frequency_table(
    counts: Mapping[str, int],
    doc_freq: Mapping[str, int],
    written: Mapping[str, Sequence[tuple[str, int]]] | None = None,
) -> pd.DataFrame:
    """Rank, term, display, count, documents and forms of every term, most frequent first
    (ties by term). ``display`` and ``forms`` come from ``written``
    (:func:`written_forms`; :func:`display_form`, :func:`format_forms`)."""
    written = written or {}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    frame = pd.DataFrame(
        [
            {
                "term": t,
                "display": display_form(t, written),
                "count": n,
                "documents": doc_freq[t],
                "forms": format_forms(written.get(t, ())),
            }
            for t, n in rows
        ],
        columns=["term", "display", "count", "documents", "forms"],
    )
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame
