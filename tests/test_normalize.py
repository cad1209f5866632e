"""Unit tests of stage 2, normalization (arabic_news_topics.normalize).

Every expected value below is written by hand from Arabic orthography and from the
docstrings of the rules, never pasted from a run of the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arabic_news_topics import corpus
from arabic_news_topics import normalize as norm
from arabic_news_topics.normalize import NormalizationSettings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CONFIG = ROOT / "config" / "config.yaml"

#: The letters a fully normalized token may contain: the Arabic letters U+0621..U+063A and
#: U+0641..U+064A (so no tatweel U+0640, no diacritics U+064B..), less the forms that the
#: folding rules fold away (أ إ آ ى ة).
FINAL_LETTERS = frozenset(chr(c) for c in [*range(0x0621, 0x063B), *range(0x0641, 0x064B)]) - set(
    "أإآىة"
)


def make_settings(**overrides) -> NormalizationSettings:
    """Settings from a config-like section, so that patterns are compiled."""
    return NormalizationSettings.from_config(overrides)


def tokens_of(text: str, **overrides) -> list[str]:
    """Tokens of a single document normalized with the given settings."""
    result = norm.normalize_documents([{"doc_id": "d", "text": text}], make_settings(**overrides))
    return result.tokens[0][1]


# ---------------------------------------------------------------------------------------
# Text rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "زوروا https://arabic.rt.com/news/31106/ الآن", "زوروا   الآن", id="https-between-words"
        ),
        pytest.param(
            "انسخ الرابطhttps://arabic.rt.com/news/31106/", "انسخ الرابط ", id="url-glued-to-word"
        ),
        pytest.param("الموقع www.elaph.com للأخبار", "الموقع   للأخبار", id="www-without-scheme"),
        pytest.param("راسلونا info@elaph.com اليوم", "راسلونا   اليوم", id="email"),
        pytest.param("HTTP://NATO.INT", " ", id="upper-case-scheme"),
        pytest.param("روسيا والناتو", "روسيا والناتو", id="no-url-unchanged"),
    ],
)
def test_remove_urls(text, expected):
    assert norm.remove_urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("باريس، موسكو", "باريس  موسكو", id="arabic-comma"),
        pytest.param("لماذا؟", "لماذا ", id="arabic-question-mark"),
        pytest.param("قال؛ ثم", "قال  ثم", id="arabic-semicolon"),
        pytest.param("&نصر المجالي", " نصر المجالي", id="ampersand"),
        pytest.param("الدوليين <...> وفي", "الدوليين" + " " * 7 + "وفي", id="elision-mark"),
        pytest.param("(داعش)", " داعش ", id="parentheses"),
        pytest.param("روسيا-الناتو", "روسيا الناتو", id="hyphen"),
        pytest.param("«السلام»", " السلام ", id="guillemets"),
        pytest.param('"فيستي"', " فيستي ", id="double-quotes"),
        pytest.param("حلف_الناتو", "حلف الناتو", id="underscore"),
        pytest.param("سُبل،", "سُبل ", id="diacritics-kept"),
        pytest.param("الـ", "الـ", id="tatweel-kept"),
        pytest.param("2008.", "2008 ", id="digits-kept"),
    ],
)
def test_remove_punctuation(text, expected):
    assert norm.remove_punctuation(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("عام 2008", "عام  ", id="western"),
        pytest.param("١٩ مارس", "  مارس", id="arabic-indic"),
        pytest.param("عام ۲۰۱۰", "عام  ", id="persian"),
        pytest.param("19إلى", " إلى", id="glued-to-word"),
        pytest.param("الـ 26 من", "الـ   من", id="after-article"),
        pytest.param("لا أرقام", "لا أرقام", id="no-digits-unchanged"),
    ],
)
def test_remove_digits(text, expected):
    assert norm.remove_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("قناة RT Arabic", "قناة    ", id="two-words"),
        pytest.param("Macron ماكرون", "  ماكرون", id="before-arabic"),
        pytest.param("Éric Zemmour", "   ", id="accented-latin"),
        pytest.param("F16", " 16", id="digits-kept"),
        pytest.param("موسكو", "موسكو", id="arabic-unchanged"),
    ],
)
def test_remove_latin(text, expected):
    assert norm.remove_latin(text) == expected


# ---------------------------------------------------------------------------------------
# Token rules


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param("سُبل", "سبل", id="damma"),
        pytest.param("عبّر", "عبر", id="shadda"),
        pytest.param("مضيفاً", "مضيفا", id="tanwin-fath"),
        pytest.param("رجلٍ", "رجل", id="tanwin-kasr"),
        pytest.param("كتّابها", "كتابها", id="shadda-mid-word"),
        pytest.param("يُقدم", "يقدم", id="damma-on-prefix"),
        pytest.param("مُحَمَّدٌ", "محمد", id="fully-vocalized"),
        pytest.param("بِسْمِ", "بسم", id="sukun"),
        pytest.param("روسيا", "روسيا", id="bare-unchanged"),
    ],
)
def test_strip_diacritics(token, expected):
    assert norm.strip_diacritics(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param("هٰذا", "هذا", id="dagger-alef-alone"),
        pytest.param("هَٰذَا", "هذا", id="dagger-alef-with-fatha"),
    ],
)
def test_strip_diacritics_removes_dagger_alef(token, expected):
    # The docstring promises "harakat, tanwin, shadda, sukun and the dagger alef".
    assert norm.strip_diacritics(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param("الـ", "ال", id="article-before-number"),
        pytest.param("جمـــيل", "جميل", id="stretched-word"),
        pytest.param("ـ", "", id="tatweel-only"),
        pytest.param("روسيا", "روسيا", id="unchanged"),
    ],
)
def test_strip_tatweel(token, expected):
    assert norm.strip_tatweel(token) == expected


@pytest.mark.parametrize(
    ("token", "known", "min_stem", "expected"),
    [
        pytest.param("الناتو", None, 3, "ناتو", id="al"),
        pytest.param("للسلام", None, 3, "سلام", id="lil"),
        pytest.param("والناتو", None, 3, "ناتو", id="wal"),
        pytest.param("بالمشاركة", None, 3, "مشاركة", id="bil"),
        pytest.param("كالعادة", None, 3, "عادة", id="kal"),
        pytest.param("فالحرب", None, 3, "حرب", id="fal-three-letter-stem"),
        pytest.param("وبالتالي", None, 3, "تالي", id="wabil"),
        pytest.param("اللقاء", None, 3, "لقاء", id="al-before-lam"),
        pytest.param("الحل", None, 3, "الحل", id="al-stem-too-short"),
        pytest.param("الله", None, 3, "الله", id="allah-kept"),
        pytest.param("الحرب", None, 4, "الحرب", id="al-below-custom-min-stem"),
        pytest.param("ال", None, 3, "", id="bare-al"),
        pytest.param("وال", None, 3, "", id="bare-wal"),
        pytest.param("لل", None, 3, "", id="bare-lil"),
        pytest.param("ألمانيا", None, 3, "ألمانيا", id="hamza-alef-protects"),
        pytest.param("إلى", None, 3, "إلى", id="hamza-below-protects"),
        pytest.param("وروسيا", None, 3, "وروسيا", id="waw-without-known-words"),
        pytest.param("وروسيا", {"روسيا"}, 3, "روسيا", id="waw-rest-known"),
        pytest.param("لروسيا", {"روسيا"}, 3, "روسيا", id="lam-rest-known"),
        pytest.param("بروسيا", {"روسيا"}, 3, "روسيا", id="baa-rest-known"),
        pytest.param("وكذلك", {"كذلك"}, 3, "كذلك", id="waw-before-kaf-word"),
        pytest.param("وزير", {"روسيا"}, 3, "وزير", id="wazir-rest-unknown"),
        pytest.param("وزير", None, 3, "وزير", id="wazir-no-known-words"),
        pytest.param("فرنسا", {"روسيا", "ناتو"}, 3, "فرنسا", id="faa-part-of-word"),
        pytest.param("بيان", {"روسيا"}, 3, "بيان", id="baa-part-of-word"),
        pytest.param("ولد", {"لد"}, 3, "ولد", id="particle-stem-too-short"),
        pytest.param("روسيا", {"روسيا"}, 3, "روسيا", id="no-proclitic"),
    ],
)
def test_strip_proclitics(token, known, min_stem, expected):
    known_words = frozenset(known) if known is not None else None
    assert norm.strip_proclitics(token, known_words, min_stem) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param("أفغانستان", "افغانستان", id="hamza-above"),
        pytest.param("إيران", "ايران", id="hamza-below"),
        pytest.param("آفاق", "افاق", id="madda"),
        pytest.param("ٱلله", "الله", id="wasla"),
        pytest.param("ألمانيا", "المانيا", id="hamza-above-initial"),
        pytest.param("مؤتمر", "مؤتمر", id="hamza-on-waw-kept"),
        pytest.param("روسيا", "روسيا", id="unchanged"),
    ],
)
def test_fold_alef(token, expected):
    assert norm.fold_alef(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param("إلى", "إلي", id="ila"),
        pytest.param("مستوى", "مستوي", id="mustawa"),
        pytest.param("موسى", "موسي", id="musa"),
        pytest.param("بريطانيا", "بريطانيا", id="yaa-unchanged"),
    ],
)
def test_fold_yaa(token, expected):
    assert norm.fold_yaa(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param("السياسة", "السياسه", id="siyasa"),
        pytest.param("مدينة", "مدينه", id="madina"),
        pytest.param("القاهرة", "القاهره", id="cairo"),
        pytest.param("تشكيل", "تشكيل", id="taa-maftuha-unchanged"),
    ],
)
def test_fold_taa_marbuta(token, expected):
    assert norm.fold_taa_marbuta(token) == expected


# ---------------------------------------------------------------------------------------
# Boilerplate lines

CONFIG_LIKE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        "إنستجرام|انستجرام",
        "[إا]ضغط هنا",
        "التعليقات",
        "^(أخبار|شارك|طباعة)$",
        r"^المصدر\s*:",
    )
)


@pytest.mark.parametrize(
    ("line", "recurring", "expected"),
    [
        pytest.param("&", (), "separator", id="ampersand"),
        pytest.param("***", (), "separator", id="stars"),
        pytest.param("-----", (), "separator", id="dashes"),
        pytest.param("  &  ", (), "separator", id="padded-ampersand"),
        pytest.param("،؛؟", (), "separator", id="arabic-punctuation-only"),
        pytest.param("", (), "", id="empty"),
        pytest.param("   ", (), "", id="blank"),
        pytest.param("2016", (), "", id="digits-are-not-a-separator"),
        pytest.param("& نصر المجالي", (), "", id="ampersand-with-text"),
        pytest.param("إضغط هنا للإشتراك", (), "pattern:[إا]ضغط هنا", id="subscribe-prompt-hamza"),
        pytest.param("اضغط هنا", (), "pattern:[إا]ضغط هنا", id="subscribe-prompt-bare"),
        pytest.param(
            "قراؤنا من مستخدمي إنستجرام",
            (),
            "pattern:إنستجرام|انستجرام",
            id="instagram",
        ),
        pytest.param("التعليقات", (), "pattern:التعليقات", id="comments-heading"),
        pytest.param("أخبار", (), "pattern:^(أخبار|شارك|طباعة)$", id="anchored-word"),
        pytest.param("أخبار روسيا اليوم", (), "", id="anchored-word-inside-sentence"),
        pytest.param('المصدر: وكالة "تاس"', (), r"pattern:^المصدر\s*:", id="source-line"),
        pytest.param(
            "مجموعة الرؤية الاستراتيجية",
            ("مجموعة الرؤية الاستراتيجية",),
            "recurring",
            id="recurring",
        ),
        pytest.param(
            "  مجموعة الرؤية الاستراتيجية ",
            ("مجموعة الرؤية الاستراتيجية",),
            "recurring",
            id="recurring-padded",
        ),
        pytest.param(
            "التعليقات", ("التعليقات",), "pattern:التعليقات", id="pattern-before-recurring"
        ),
        pytest.param("&", ("&",), "separator", id="separator-before-recurring"),
        pytest.param("رحب حلف شمال الأطلسي", (), "", id="ordinary-sentence"),
    ],
)
def test_boilerplate_line_reason(line, recurring, expected):
    reason = norm.boilerplate_line_reason(line, CONFIG_LIKE_PATTERNS, frozenset(recurring))
    assert reason == expected


def test_remove_boilerplate_lines_keeps_text_and_lists_removed():
    text = "أخبار\nرحب حلف شمال الأطلسي\n&\nإضغط هنا للإشتراك\n\nووصل راسموسن إلى موسكو\n  ***  "
    kept, removed = norm.remove_boilerplate_lines(text, CONFIG_LIKE_PATTERNS)
    assert kept == "رحب حلف شمال الأطلسي\n\nووصل راسموسن إلى موسكو"
    assert removed == [
        ("أخبار", "pattern:^(أخبار|شارك|طباعة)$"),
        ("&", "separator"),
        ("إضغط هنا للإشتراك", "pattern:[إا]ضغط هنا"),
        ("***", "separator"),
    ]


def test_remove_boilerplate_lines_with_recurring():
    text = "روسيا والناتو\nالمصدر وكالة تاس\n"
    kept, removed = norm.remove_boilerplate_lines(text, (), frozenset({"المصدر وكالة تاس"}))
    assert kept == "روسيا والناتو"
    assert removed == [("المصدر وكالة تاس", "recurring")]


RECURRING_TEXTS = [
    "خبر أول عن روسيا\nتابعونا على تلغرام\nالمصدر: تاس",
    "خبر ثان عن الناتو\n  تابعونا على تلغرام  \nتابعونا على تلغرام",
    "خبر ثالث عن السلام\nتابعونا على تلغرام\nالمصدر: تاس",
    "خبر رابع عن داعش",
]


@pytest.mark.parametrize(
    ("min_documents", "expected"),
    [
        pytest.param(0, set(), id="zero-is-off"),
        pytest.param(1, set(), id="one-is-off"),
        pytest.param(2, {"تابعونا على تلغرام", "المصدر: تاس"}, id="two-documents"),
        pytest.param(3, {"تابعونا على تلغرام"}, id="three-documents"),
        pytest.param(4, set(), id="four-documents"),
    ],
)
def test_find_recurring_lines(min_documents, expected):
    # A line repeated inside one document counts once; stripped lines compare equal.
    assert norm.find_recurring_lines(RECURRING_TEXTS, min_documents) == frozenset(expected)


# ---------------------------------------------------------------------------------------
# Settings


def test_settings_from_config_reads_known_keys():
    section = {
        "boilerplate_patterns": ["التعليقات", "^أخبار$"],
        "extra_stopwords": ["قال", "أضاف"],
        "remove_digits": False,
        "fold_taa_marbuta": False,
        "min_token_length": 3,
        "min_stem_length": 4,
        "recurring_line_min_documents": 10,
        "not_a_setting": "ignored",
    }
    settings_ = NormalizationSettings.from_config(section)
    assert settings_.boilerplate_patterns == ("التعليقات", "^أخبار$")
    assert [p.pattern for p in settings_.compiled_patterns] == ["التعليقات", "^أخبار$"]
    assert settings_.extra_stopwords == ("قال", "أضاف")
    assert settings_.remove_digits is False
    assert settings_.fold_taa_marbuta is False
    assert settings_.min_token_length == 3
    assert settings_.min_stem_length == 4
    assert settings_.recurring_line_min_documents == 10
    # Keys that are absent keep their defaults.
    assert settings_.remove_urls is True
    assert settings_.strip_proclitics is True
    assert settings_.remove_stopwords is True


def test_settings_from_empty_section_are_the_defaults():
    settings_ = NormalizationSettings.from_config({})
    assert settings_ == NormalizationSettings()
    assert settings_.boilerplate_patterns == ()
    assert settings_.compiled_patterns == ()


def test_settings_from_the_project_config():
    section = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["normalize"]
    settings_ = NormalizationSettings.from_config(section)
    assert len(settings_.compiled_patterns) == len(section["boilerplate_patterns"])
    assert settings_.compiled_patterns[0].search("قراؤنا من مستخدمي إنستجرام")
    assert "قال" in settings_.extra_stopwords


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        pytest.param(
            "remove_stopwords",
            ["diacritics", "tatweel", "proclitics", "alef", "yaa", "taa_marbuta", "min_length"],
            id="stopwords-off",
        ),
        pytest.param(
            "strip_proclitics",
            ["diacritics", "tatweel", "alef", "yaa", "taa_marbuta", "stopwords", "min_length"],
            id="proclitics-off",
        ),
    ],
)
def test_enabled_token_rules_follow_switches(switch, expected):
    assert norm.enabled_token_rules(make_settings(**{switch: False})) == expected


def test_enabled_token_rules_all_on_in_documented_order():
    assert norm.enabled_token_rules(NormalizationSettings()) == [
        "diacritics",
        "tatweel",
        "proclitics",
        "alef",
        "yaa",
        "taa_marbuta",
        "stopwords",
        "min_length",
    ]


# ---------------------------------------------------------------------------------------
# Stopwords


def test_normalized_stopwords_are_in_normalized_form():
    words = norm.normalized_stopwords(NormalizationSettings())
    assert {"في", "من", "هذا"} <= words
    # على is folded like the text: alef maqsura becomes yaa.
    assert "علي" in words
    # إلى is listed with hamza and alef maqsura: it is stored as the text will read.
    assert "الي" in words
    assert "إلى" not in words
    assert all(w and not set(w) & set("أإآىةـ") for w in words)


def test_normalized_stopwords_empty_when_switched_off():
    assert norm.normalized_stopwords(make_settings(remove_stopwords=False)) == frozenset()


def test_normalized_stopwords_include_normalized_extra_stopwords():
    words = norm.normalized_stopwords(make_settings(extra_stopwords=["المُؤتمر", "موسكو"]))
    assert {"مؤتمر", "موسكو"} <= words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("في موسكو", ["موسكو"], id="listed-form"),
        pytest.param("فِي موسكو", ["موسكو"], id="with-diacritics"),
        pytest.param("هَذَا موسكو", ["موسكو"], id="with-harakat"),
        pytest.param("هـذا موسكو", ["موسكو"], id="with-tatweel"),
        pytest.param("إلى موسكو", ["موسكو"], id="with-hamza"),
        pytest.param("الى موسكو", ["موسكو"], id="without-hamza"),
        pytest.param("وهذا هذا موسكو", ["موسكو"], id="with-proclitic-base-in-corpus"),
    ],
)
def test_stopwords_removed_in_any_surface_form(text, expected):
    assert tokens_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("وهذا موسكو", id="wa-hadha"),
        pytest.param("فهذا موسكو", id="fa-hadha"),
    ],
)
def test_listed_stopword_with_proclitic_removed_without_its_base_in_corpus(text):
    # وهذا and فهذا are entries of the Arabic-Stopwords list itself. normalized_stopwords
    # promises that "a stopword matches in whatever surface form it was written", so the
    # listed form must be removed even when the corpus never has the bare هذا.
    assert tokens_of(text) == ["موسكو"]


def test_extra_stopwords_written_in_another_form_are_removed():
    tokens = tokens_of("مؤتمر المؤتمر للمؤتمر موسكو", extra_stopwords=["المُؤتمر"])
    assert tokens == ["موسكو"]


# ---------------------------------------------------------------------------------------
# normalize_terms


@pytest.mark.parametrize(
    ("term", "known", "expected"),
    [
        pytest.param("مكافحة الإرهاب", (), ["مكافحه", "ارهاب"], id="two-words"),
        # Arabic-Stopwords lists the direction word شمال, so it leaves the phrase.
        pytest.param("حلف شمال الأطلسي", (), ["حلف", "اطلسي"], id="stopword-inside-phrase"),
        pytest.param("مجلس روسيا الناتو", (), ["مجلس", "روسيا", "ناتو"], id="three-words"),
        pytest.param("الإرهابية", (), ["ارهابيه"], id="article-and-folding"),
        pytest.param("إسرائيل", (), ["اسرائيل"], id="hamza-alef"),
        pytest.param("في", (), [], id="only-stopword"),
        pytest.param("وروسيا", ("روسيا",), ["روسيا"], id="particle-with-known-word"),
        pytest.param("وروسيا", (), ["وروسيا"], id="particle-without-known-word"),
        pytest.param("https://nato.int", (), [], id="url-only"),
    ],
)
def test_normalize_terms(term, known, expected):
    result = norm.normalize_terms([term], NormalizationSettings(), frozenset(known))
    assert result == [expected]


def test_normalize_terms_keeps_order_and_one_list_per_term():
    terms = ["السلام", "الشرق", "عملية السلام"]
    result = norm.normalize_terms(terms, make_settings(remove_stopwords=False))
    assert result == [["سلام"], ["شرق"], ["عمليه", "سلام"]]


def test_normalize_terms_uses_given_stopwords():
    result = norm.normalize_terms(
        ["حلف الناتو"], NormalizationSettings(), stopwords=frozenset({"حلف"})
    )
    assert result == [["ناتو"]]


# ---------------------------------------------------------------------------------------
# normalize_documents on hand-made documents

HAND_DOCS = [
    {
        "doc_id": "d1",
        "text": "أخبار\nحلفُ الناتو يرحّب بروسيا، والناتو يريد السلام.\n&\nاضغط هنا للاشتراك",
    },
    {
        "doc_id": "d2",
        "text": "رحّب الأمين العام للناتو بروسيا وروسيا و روسيا في 2009 بالمشاركة إلى"
        " www.nato.int\n&",
    },
]
HAND_SETTINGS = {"boilerplate_patterns": ["[إا]ضغط هنا", "^أخبار$"], "remove_stopwords": False}


@pytest.fixture(scope="module")
def hand_result():
    return norm.normalize_documents(HAND_DOCS, make_settings(**HAND_SETTINGS))


def test_normalize_documents_tokens(hand_result):
    assert hand_result.tokens == [
        ("d1", ["حلف", "ناتو", "يرحب", "روسيا", "ناتو", "يريد", "سلام"]),
        ("d2", ["رحب", "امين", "عام", "ناتو", "روسيا", "روسيا", "روسيا", "في", "مشاركه", "الي"]),
    ]


def test_normalize_documents_steps_table(hand_result):
    expected = [
        ("raw", 26, 25),
        ("boilerplate_lines", 20, 20),
        ("urls_emails", 19, 19),
        ("punctuation", 19, 18),
        ("digits", 18, 17),
        ("latin", 18, 17),
        ("diacritics", 18, 17),
        ("tatweel", 18, 17),
        ("proclitics", 18, 13),
        ("alef", 18, 13),
        ("yaa", 18, 13),
        ("taa_marbuta", 18, 13),
        ("min_length", 17, 12),
    ]
    steps = hand_result.steps
    assert list(steps.columns) == ["step", "tokens", "vocabulary"]
    assert list(steps.itertuples(index=False, name=None)) == expected


def test_normalize_documents_removed_lines(hand_result):
    removed = hand_result.removed_lines
    assert list(removed.columns) == ["line", "reason", "documents"]
    assert list(removed.itertuples(index=False, name=None)) == [
        ("&", "separator", 2),
        ("أخبار", "pattern:^أخبار$", 1),
        ("اضغط هنا للاشتراك", "pattern:[إا]ضغط هنا", 1),
    ]


def test_normalize_documents_examples(hand_result):
    examples = hand_result.examples
    assert list(examples.columns) == ["step", "before", "after", "count"]
    by_step = {
        step: list(group[["before", "after", "count"]].itertuples(index=False, name=None))
        for step, group in examples.groupby("step", sort=False)
    }
    assert list(by_step) == ["diacritics", "proclitics", "alef", "yaa", "taa_marbuta", "min_length"]
    assert by_step["diacritics"] == [("حلفُ", "حلف", 1), ("رحّب", "رحب", 1), ("يرحّب", "يرحب", 1)]
    # Most frequent first (بروسيا occurs twice), then by surface form.
    assert by_step["proclitics"] == [
        ("بروسيا", "روسيا", 2),
        ("الأمين", "أمين", 1),
        ("السلام", "سلام", 1),
        ("العام", "عام", 1),
        ("الناتو", "ناتو", 1),
        ("بالمشاركة", "مشاركة", 1),
        ("للناتو", "ناتو", 1),
        ("والناتو", "ناتو", 1),
        ("وروسيا", "روسيا", 1),
    ]
    assert sorted(by_step["alef"]) == sorted([("أمين", "امين", 1), ("إلى", "الى", 1)])
    assert by_step["yaa"] == [("الى", "الي", 1)]
    assert by_step["taa_marbuta"] == [("مشاركة", "مشاركه", 1)]
    assert by_step["min_length"] == [("و", "", 1)]


def test_normalize_documents_max_examples():
    result = norm.normalize_documents(HAND_DOCS, make_settings(**HAND_SETTINGS), max_examples=2)
    proclitics = result.examples[result.examples["step"] == "proclitics"]
    assert proclitics["before"].tolist() == ["بروسيا", "الأمين"]
    assert result.examples.groupby("step").size().max() == 2


def test_normalize_documents_counts_are_consistent(hand_result):
    steps = hand_result.steps.set_index("step")
    all_tokens = [t for _, tokens in hand_result.tokens for t in tokens]
    assert steps["tokens"].iloc[-1] == len(all_tokens)
    assert steps["vocabulary"].iloc[-1] == len(set(all_tokens))
    # Removing lines never adds tokens; a token rule maps each token to one token or none.
    assert steps.loc["boilerplate_lines", "tokens"] <= steps.loc["raw", "tokens"]
    token_steps = steps.loc["diacritics":]
    assert token_steps["tokens"].is_monotonic_decreasing
    assert token_steps["vocabulary"].is_monotonic_decreasing


def test_normalize_documents_recurring_lines_removed():
    docs = [{"doc_id": f"n{i}", "text": t} for i, t in enumerate(RECURRING_TEXTS)]
    result = norm.normalize_documents(
        docs, make_settings(recurring_line_min_documents=3, remove_stopwords=False)
    )
    assert list(result.removed_lines.itertuples(index=False, name=None)) == [
        ("تابعونا على تلغرام", "recurring", 3)
    ]
    assert all("تلغرام" not in tokens for _, tokens in result.tokens)
    # Below the threshold the line is kept.
    assert "تاس" in result.tokens[0][1]


def test_normalize_documents_keeps_order_and_empty_documents():
    docs = [
        {"doc_id": "b", "text": "موسكو"},
        {"doc_id": "a", "text": "&\n2016 RT"},
        {"doc_id": "c", "text": "باريس"},
    ]
    result = norm.normalize_documents(docs, NormalizationSettings())
    assert result.tokens == [("b", ["موسكو"]), ("a", []), ("c", ["باريس"])]


@pytest.mark.parametrize(
    ("switch", "extra", "text", "off", "on"),
    [
        pytest.param("fold_taa_marbuta", {}, "المدينة", ["مدينة"], ["مدينه"], id="taa-marbuta"),
        pytest.param("fold_alef", {}, "أفغانستان", ["أفغانستان"], ["افغانستان"], id="alef"),
        pytest.param("fold_yaa", {}, "مستوى", ["مستوى"], ["مستوي"], id="yaa"),
        pytest.param("strip_diacritics", {}, "سُبل", ["سُبل"], ["سبل"], id="diacritics"),
        pytest.param("strip_tatweel", {}, "جمـــيل", ["جمـــيل"], ["جميل"], id="tatweel"),
        pytest.param("strip_proclitics", {}, "والناتو", ["والناتو"], ["ناتو"], id="proclitics"),
        pytest.param("remove_digits", {}, "عام 2008", ["عام", "2008"], ["عام"], id="digits"),
        pytest.param("remove_latin", {}, "قناة RT", ["قناه", "RT"], ["قناه"], id="latin"),
        pytest.param(
            "remove_punctuation",
            {},
            "باريس، موسكو",
            ["باريس،", "موسكو"],
            ["باريس", "موسكو"],
            id="punctuation",
        ),
        pytest.param(
            "remove_urls",
            {"remove_punctuation": False, "remove_latin": False},
            "انظر www.nato.int",
            ["انظر", "www.nato.int"],
            ["انظر"],
            id="urls",
        ),
        pytest.param(
            "remove_stopwords", {}, "في موسكو", ["في", "موسكو"], ["موسكو"], id="stopwords"
        ),
    ],
)
def test_switch_off_keeps_rule_effect_out(switch, extra, text, off, on):
    base = {"remove_stopwords": False, **extra}
    if switch == "remove_stopwords":
        base.pop("remove_stopwords")
    assert tokens_of(text, **{**base, switch: False}) == off
    assert tokens_of(text, **{**base, switch: True}) == on


@pytest.mark.parametrize(
    ("switch", "step"),
    [
        pytest.param("fold_taa_marbuta", "taa_marbuta", id="taa-marbuta"),
        pytest.param("remove_digits", "digits", id="digits"),
        pytest.param("strip_proclitics", "proclitics", id="proclitics"),
    ],
)
def test_switch_off_removes_its_step_row(switch, step):
    docs = [{"doc_id": "d", "text": "المدينة 2008"}]
    on = norm.normalize_documents(docs, NormalizationSettings())
    off = norm.normalize_documents(docs, make_settings(**{switch: False}))
    assert step in on.steps["step"].tolist()
    assert step not in off.steps["step"].tolist()


@pytest.mark.parametrize(
    ("min_token_length", "text", "expected"),
    [
        pytest.param(1, "و موسكو", ["و", "موسكو"], id="one-keeps-single-letters"),
        pytest.param(2, "و موسكو", ["موسكو"], id="two-drops-single-letters"),
        pytest.param(6, "موسكو باريس", [], id="six-drops-five-letter-words"),
    ],
)
def test_min_token_length(min_token_length, text, expected):
    assert tokens_of(text, min_token_length=min_token_length, remove_stopwords=False) == expected


def test_term_frequencies():
    frame = norm.term_frequencies(
        [("a", ["روسيا", "ناتو", "روسيا"]), ("b", ["ناتو", "سلام"]), ("c", ["روسيا"])]
    )
    assert list(frame.columns) == ["rank", "term", "count", "documents"]
    assert list(frame.itertuples(index=False, name=None)) == [
        (1, "روسيا", 3, 2),
        (2, "ناتو", 2, 2),
        (3, "سلام", 1, 1),
    ]


# ---------------------------------------------------------------------------------------
# The real seed articles with the project's boilerplate patterns


@pytest.fixture(scope="module")
def seed_tokens() -> dict[str, list[str]]:
    section = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["normalize"]
    documents, _ = corpus.read_corpus([{"path": str(SEEDS), "format": "txt"}])
    result = norm.normalize_documents(documents, NormalizationSettings.from_config(section))
    return {doc_id[:3]: tokens for doc_id, tokens in result.tokens}


@pytest.mark.parametrize(
    ("seed", "fragment"),
    [
        pytest.param("003", "نستجرام", id="003-instagram"),
        pytest.param("003", "اشتراك", id="003-subscribe"),
        pytest.param("003", "ضغط", id="003-click-here"),
        pytest.param("003", "ايلاف", id="003-elaph-disclaimer"),
        pytest.param("003", "تعليقات", id="003-comments"),
        pytest.param("004", "رابط", id="004-copy-link"),
        pytest.param("004", "http", id="004-url"),
        pytest.param("004", "تعليمات", id="004-comment-rules"),
        pytest.param("002", "&", id="002-ampersand"),
        pytest.param("001", "تاس", id="001-source-line"),
    ],
)
def test_seed_boilerplate_leaves_no_trace(seed_tokens, seed, fragment):
    assert seed_tokens[seed], "the article itself must remain"
    assert not [t for t in seed_tokens[seed] if fragment in t]


@pytest.mark.parametrize(
    ("seed", "word"),
    [
        pytest.param("000", "ناتو", id="000-nato"),
        pytest.param("002", "داعش", id="002-daesh"),
        pytest.param("003", "راسموسن", id="003-rasmussen"),
        pytest.param("004", "سخيفر", id="004-scheffer"),
    ],
)
def test_seed_content_words_survive(seed_tokens, seed, word):
    assert word in seed_tokens[seed]


def test_seed_tokens_hold_only_folded_arabic_letters(seed_tokens):
    assert len(seed_tokens) == 5
    bad = {t for tokens in seed_tokens.values() for t in tokens if not set(t) <= FINAL_LETTERS}
    assert bad == set()


# ---------------------------------------------------------------------------------------
# Properties

ARABIC_LETTERS = [chr(c) for c in [*range(0x0621, 0x063B), *range(0x0641, 0x064B)]]
HARAKAT = [chr(c) for c in range(0x064B, 0x0653)]
NOISE = list("0123456789٠١٢٣٤٥٦٧٨٩۱۲abcXYZé.,;:!?&<>()[]\"'-_/@*#،؛؟«»ـ")
WORD = st.text(alphabet=st.sampled_from(ARABIC_LETTERS + HARAKAT + NOISE), min_size=1, max_size=8)
TEXT = st.lists(st.one_of(WORD, st.sampled_from([" ", "\n", "\t"])), max_size=25).map("".join)
URL = st.sampled_from(["", " https://arabic.rt.com/news/1 ", " www.elaph.com ", " a@b.org "])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.tuples(TEXT, URL).map("".join), min_size=1, max_size=3))
def test_property_all_rules_on_gives_folded_arabic_tokens(texts):
    docs = [{"doc_id": str(i), "text": t} for i, t in enumerate(texts)]
    result = norm.normalize_documents(docs, NormalizationSettings())
    assert [d for d, _ in result.tokens] == [d["doc_id"] for d in docs]
    for _, tokens in result.tokens:
        for token in tokens:
            assert token != ""
            assert len(token) >= 2
            assert set(token) <= FINAL_LETTERS, token


SWITCHES = (
    "remove_urls",
    "remove_punctuation",
    "remove_digits",
    "remove_latin",
    "strip_diacritics",
    "strip_tatweel",
    "strip_proclitics",
    "fold_alef",
    "fold_yaa",
    "fold_taa_marbuta",
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(TEXT, min_size=1, max_size=3),
    switches=st.fixed_dictionaries({s: st.booleans() for s in SWITCHES}),
    min_token_length=st.integers(min_value=1, max_value=3),
)
def test_property_any_switches_keep_counts_consistent(texts, switches, min_token_length):
    docs = [{"doc_id": str(i), "text": t} for i, t in enumerate(texts)]
    config = make_settings(**switches, min_token_length=min_token_length, remove_stopwords=False)
    result = norm.normalize_documents(docs, config)
    all_tokens = [t for _, tokens in result.tokens for t in tokens]
    assert all(t and not any(c.isspace() for c in t) for t in all_tokens)
    assert all(len(t) >= min_token_length for t in all_tokens)
    steps = result.steps.set_index("step")
    assert steps["tokens"].iloc[-1] == len(all_tokens)
    assert steps["vocabulary"].iloc[-1] == len(set(all_tokens))
    assert steps.loc["boilerplate_lines", "tokens"] <= steps.loc["raw", "tokens"]
    token_steps = steps.iloc[-len(norm.enabled_token_rules(config)) :]
    assert token_steps["tokens"].is_monotonic_decreasing
    assert token_steps["vocabulary"].is_monotonic_decreasing


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("شمال", "حلف شمال الأطلسي"),
        ("شرق", "الشرق الأوسط"),
        ("امين", "الأمين العام"),
    ],
    ids=["north", "east", "secretary"],
)
def test_stopword_exceptions_keep_listed_words(word, text):
    from arabic_news_topics.normalize import NormalizationSettings, normalize_documents

    docs = [{"doc_id": "d", "text": text}]
    plain = NormalizationSettings.from_config({})
    kept = NormalizationSettings.from_config({"stopword_exceptions": ["شمال", "شرق", "آمين"]})
    assert word not in normalize_documents(docs, plain).tokens[0][1]
    assert word in normalize_documents(docs, kept).tokens[0][1]
