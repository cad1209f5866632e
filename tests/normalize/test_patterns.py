"""Boilerplate patterns matched by RE2 (arabic_news_topics.normalize.patterns): the same lines
as Python's ``re`` finds, in linear time, and every pattern RE2 cannot match refused by name.

The reference is Python's ``re`` itself, never a value produced by the code under test.
"""

from __future__ import annotations

import dataclasses
import pickle
import re
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import re2
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_news_topics.corpus import core as corpus
from arabic_news_topics.normalize import core as norm
from arabic_news_topics.normalize.patterns import LinePatterns, pattern_problem, to_re2
from arabic_news_topics.normalize.step import normalization_settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "config.yaml"
SHIPPED = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["normalize"]["boilerplate_patterns"]


class PythonPatterns:
    """The matcher the stage used before RE2: each pattern in turn, with ``re.search``."""

    def __init__(self, patterns):
        self.patterns = tuple(patterns)
        self.compiled = [re.compile(p) for p in self.patterns]

    def first_match(self, line: str) -> str | None:
        return next((c.pattern for c in self.compiled if c.search(line)), None)


# ---------------------------------------------------------------------------------------
# The same lines as Python's re


#: Every code point Python's Unicode database assigns (no surrogates, which UTF-8 cannot
#: carry): where RE2's tables are newer, a character Python does not know yet could differ.
ASSIGNED = "".join(
    chr(code)
    for code in range(sys.maxunicode + 1)
    if unicodedata.category(chr(code)) not in ("Cn", "Cs")
)


@pytest.mark.parametrize(
    "pattern",
    [
        *(r"\d", r"\D", r"\s", r"\S", r"\w", r"\W", r"[\d]", r"[\s]", r"[\w]", r"[^\d]"),
        *(r"[^\s]", r"[^\w]", r"[^\W]", r"[^\S]", r"[^\D]", r"[x\d\s]", r"[^x\w]", r"[\D]"),
        *(r"[ا-ي\d]", r"."),
    ],
)
def test_character_classes_match_what_python_matches(pattern):
    # Python's \d \s \w are Unicode; RE2's own are ASCII (a no-break space is no \s there).
    rewritten = to_re2(pattern)
    matched = "".join(re.findall(pattern, ASSIGNED))
    others = re.sub(pattern, "", ASSIGNED)
    assert matched and others
    # Two passes of RE2 over the characters: every one Python matches, and none of the rest.
    assert re2.fullmatch(f"(?:{rewritten})*", matched)
    assert re2.search(rewritten, others) is None


#: Patterns of the kinds a user writes (Python syntax), besides the shipped ones.
USER_PATTERNS = [
    *SHIPPED,
    r"^\d+$",
    r"^[\w\s]+:\s*$",
    r"(?i)^follow us",
    r"(?i:FOLLOW) us",
    r"اقرأ\s+(أيضا|كذلك)",
    r"^.{0,3}$",
    r"ـ{2,}",
    r"(ab|a)*?c",
    r"\Aالمصدر",
    r"تاس\Z",
    r"[^\s]{12,}",
    r"\u0627\u0644\u0645",
    r"(?x) ^ \d+ \s* $  # a line of digits",
    r"(?s)a.b",
    r"[-:]{3}",
    r"\.\*\?\(\)\[\]\{\}\|\^\$\\",
    r"(?P<word>شارك|طباعة)$",
]

LINE_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"المصدرتاساقرأيضكذلشطبعـ٠١٢0123456789abcfolwusFOLWU:-_.*?()[]{}|^$\\",
            *(" ", "\u00a0", "\u200f", "\t", "\u3000", "ß", "ǅ"),
        ]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(line=LINE_TEXT, chosen=st.lists(st.sampled_from(USER_PATTERNS), min_size=1, max_size=4))
def test_the_first_matching_pattern_is_the_one_python_finds(line, chosen):
    assert LinePatterns(chosen).first_match(line) == PythonPatterns(chosen).first_match(line)


@pytest.mark.parametrize("pattern", USER_PATTERNS)
@pytest.mark.parametrize(
    "line",
    [
        "المصدر: تاس",
        "المصدر\u00a0: تاس",
        "اقرأ\u00a0أيضا",
        "Follow us",
        "FOLLOW us",
        "١٢٣",
        "12 ",
        "ـــ",
        "شارك",
        "ababc",
        "a\nb",
        ".*?()[]{}|^$\\",
        "---",
        "عنوان:  ",
        "كلمةطويلةجداجدا",
        "الم",
    ],
)
def test_each_pattern_matches_where_python_matches(pattern, line):
    expected = re.search(pattern, line) is not None
    assert (LinePatterns([pattern]).first_match(line) is not None) is expected


def test_the_first_pattern_in_order_wins_not_the_leftmost_match():
    patterns = LinePatterns(["تاس", "المصدر"])
    assert patterns.first_match("المصدر: تاس") == "تاس"
    assert patterns.first_match("لا شيء") is None
    assert LinePatterns().first_match("المصدر") is None


def test_a_catastrophic_pattern_takes_linear_time():
    # (a+)+$ on a's followed by one b backtracks 2^n times in Python's re: 40 a's would take
    # hours; RE2 answers for 100,000 of them at once.
    patterns = LinePatterns([r"(a+)+$", r"^(\w+\s?)*$"])
    start = time.perf_counter()
    assert patterns.first_match("a" * 100_000 + "b") == r"^(\w+\s?)*$"
    assert patterns.first_match("a" * 100_000 + "!") is None
    assert time.perf_counter() - start < 2


def test_line_patterns_pickle_and_compare_by_their_patterns():
    patterns = LinePatterns(SHIPPED)
    again = pickle.loads(pickle.dumps(patterns))
    assert again == patterns and again.patterns == tuple(SHIPPED)
    assert again.first_match("نسخ الرابط") == "نسخ الرابط"


# ---------------------------------------------------------------------------------------
# Refused patterns, by name


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(unclosed", "'(unclosed' is not a valid regular expression: missing ), unterminated"),
        ("[a-", "is not a valid regular expression: unterminated character set"),
        (r"\p{Arabic}", r"is not a valid regular expression: bad escape \p"),
        (r"(a)\1", r"uses a backreference (\1, (?P=name))"),
        (r"(?P<x>a)(?P=x)", "uses a backreference"),
        (r"(?<=a)b", "uses a lookbehind (?<=...)"),
        (r"(?<!a)b", "uses a negative lookbehind (?<!...)"),
        (r"a(?=b)", "uses a lookahead (?=...)"),
        (r"a(?!b)", "uses a negative lookahead (?!...)"),
        (r"(a)?(?(1)b|c)", "uses a conditional group"),
        (r"(?>a+)b", "uses an atomic group (?>...)"),
        (r"a++", "uses a possessive quantifier"),
        (r"\bالتعليقات\b", r"uses \b (a word boundary), which boilerplate patterns do not support"),
        (r"a\B", r"uses \B"),
        (r"(?a)\w+", "uses the ASCII flag (?a)"),
        (r"[^\W\d]", r"uses \S or \W inside [...] with other characters"),
        (r"a{1001}", "is beyond what RE2, the matcher of boilerplate patterns, allows"),
        (5, "5 is not a string"),
    ],
)
def test_refused_patterns_name_the_problem(pattern, message):
    problem = pattern_problem(pattern)
    assert message in problem
    with pytest.raises(ValueError, match=r"normalize\.boilerplate_patterns\[1\]: "):
        LinePatterns(["التعليقات", pattern])


@pytest.mark.parametrize("pattern", USER_PATTERNS)
def test_user_patterns_have_no_problem(pattern):
    assert pattern_problem(pattern) == ""


# ---------------------------------------------------------------------------------------
# The seed articles: byte-identical normalization with either engine


def test_seed_articles_normalize_the_same_as_with_python_re():
    section = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["normalize"]
    settings_ = normalization_settings(
        section,
        str(ROOT / section["multiword_list_file"]),
        str(ROOT / section["reporting_words_file"]),
    )
    assert isinstance(settings_.compiled_patterns, LinePatterns)
    python = dataclasses.replace(
        settings_, compiled_patterns=PythonPatterns(settings_.boilerplate_patterns)
    )
    assert isinstance(python.compiled_patterns, PythonPatterns)  # kept: same patterns
    documents, _ = corpus.read_corpus([{"path": str(ROOT / "seeds"), "format": "txt"}])
    with_re2 = norm.normalize_documents(documents, settings_)
    with_re = norm.normalize_documents(documents, python)
    assert with_re2.tokens == with_re.tokens
    assert with_re2.removed_lines.equals(with_re.removed_lines)
    assert with_re2.steps.equals(with_re.steps)
    # The comparison means something: the seeds hold lines of most shipped patterns.
    reasons = set(with_re.removed_lines["reason"]) if "reason" in with_re.removed_lines else set()
    assert len({r for r in reasons if r.startswith("pattern:")}) >= 5, reasons
