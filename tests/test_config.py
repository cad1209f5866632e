"""One source per setting: the schema's defaults and descriptions, the shipped config, the
config README and the package's defaults agree; config errors are caught before any job, by
calling the checks directly (no Snakemake run)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from arabic_news_topics.config import (
    SCHEMA_PATH,
    TABLE_START,
    check_config,
    check_config_files,
    documented_keys,
    grid_within_documents,
    load_config_file,
    load_schema,
    main,
    merge_config,
    replace_whole,
    schema_defaults,
    update_readme,
    validated_config,
    whole_keys,
)

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config" / "config.yaml"
README = REPO / "config" / "README.md"
SCHEMA = load_schema()

#: Keywords a schema node may use: draft 2020-12's validators and its annotations. Anything
#: else is a typo, or a stray key (a comma in a flow-style description once made some).
KEYWORDS = set(Draft202012Validator.VALIDATORS) | {
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
}


@functools.cache
def _shipped_config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def shipped_config() -> dict:
    """config/config.yaml (a fresh copy each time: tests change it)."""
    return copy.deepcopy(_shipped_config())


def properties(schema: dict, prefix: str = ""):
    """Every property of the schema, nested ones and list items' ones too: (key, schema)."""
    for name, subschema in schema.get("properties", {}).items():
        key = f"{prefix}{name}"
        yield key, subschema
        yield from properties(subschema, f"{key}.")
        if isinstance(subschema.get("items"), dict):
            yield from properties(subschema["items"], f"{key}[].")


def schema_nodes(schema):
    """Every (sub)schema of the schema."""
    yield schema
    for subschema in schema.get("properties", {}).values():
        yield from schema_nodes(subschema)
    for keyword in ("items", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(keyword), dict):
            yield from schema_nodes(schema[keyword])
    for keyword in ("oneOf", "anyOf"):
        for subschema in schema.get(keyword, []):
            yield from schema_nodes(subschema)


def leaves(value, prefix: str = "") -> dict:
    """A nested config as {dotted key: value}, for readable differences."""
    if isinstance(value, dict) and value:
        out = {}
        for key, item in value.items():
            out.update(leaves(item, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for number, item in enumerate(value):
            out.update(leaves(item, f"{prefix}[{number}]"))
        return out
    return {prefix: value}


def merged(base: dict, overlay: dict) -> dict:
    """``overlay`` over ``base`` as the workflow reads a --configfile: merged by Snakemake
    (mappings key by key), then the keys of whole_keys replaced whole (common.smk)."""
    out = merge_config(base, overlay)
    replace_whole(out, [overlay], whole_keys())
    return out


# ---------------------------------------------------------------------------------------
# The schema


def test_the_schema_is_found_next_to_the_workflow():
    assert SCHEMA_PATH == REPO / "workflow" / "schemas" / "config.schema.yaml"
    Draft202012Validator.check_schema(SCHEMA)


def test_every_property_has_a_default_and_a_description():
    keys = [key for key, _ in properties(SCHEMA)]
    assert len(keys) > 90
    assert [key for key, s in properties(SCHEMA) if "default" not in s] == []
    assert [key for key, s in properties(SCHEMA) if not s.get("description")] == []


def test_schema_nodes_use_only_json_schema_keywords():
    strays = [(sorted(set(node) - KEYWORDS), node) for node in schema_nodes(SCHEMA)]
    assert [stray for stray in strays if stray[0]] == []


def test_required_keys_are_checked_before_defaults_are_filled():
    # Snakemake's validate fills defaults while it checks "properties"; a required key
    # is reported missing only if "required" comes first.
    for node in schema_nodes(SCHEMA):
        if "required" in node:
            assert list(node).index("required") < list(node).index("properties"), node


def test_every_default_is_valid():
    config = schema_defaults()
    assert validated_config(config) == config
    for key, subschema in properties(SCHEMA):
        # An object's default ({}) is valid once its own properties' defaults are filled in.
        default = schema_defaults({"properties": {"key": subschema}})["key"]
        assert list(Draft202012Validator(subschema).iter_errors(default)) == [], key


# ---------------------------------------------------------------------------------------
# config/config.yaml


def test_shipped_config_holds_exactly_the_schema_defaults():
    assert leaves(shipped_config()) == leaves(schema_defaults())
    assert shipped_config() == schema_defaults()


def test_shipped_config_passes_every_check():
    check_config(shipped_config(), workdir=REPO)


def test_the_dmm_is_an_engine_of_both_lda_and_the_evaluation():
    # Among the default evaluation engines with NMF (each the best argmax topic at K = the
    # sections on one labelled corpus, benchmarks/results/defaults_evaluation.md), and
    # accepted as lda.engine.
    assert shipped_config()["evaluation"]["engines"] == ["dmm", "sklearn_nmf"]
    change = both(
        edit("lda.engine", "dmm"),
        edit("lda.alpha", 0.05),
        edit("evaluation.engines", ["gensim", "dmm"]),
        edit("lda.dmm_restarts", 5),
    )
    check_config(broken(change), workdir=REPO)


@pytest.mark.parametrize(
    ("key", "value"), [("lda.alpha", "auto"), ("lda.alpha", "asymmetric"), ("lda.eta", "auto")]
)
def test_a_warm_start_takes_gensims_own_priors(key, value):
    # The sweeps start from the symmetric 1/K (engines.sampler_prior); before 2026-12-06
    # this was a config error.
    change = both(
        edit("lda.engine", "gensim"),
        edit("lda.warm_start_sweeps", 30),
        edit(key, value),
        edit("evaluation.engines", []),
    )
    check_config(broken(change), workdir=REPO)


@pytest.mark.parametrize("name", ["hespress.yaml", "saudinewsnet.yaml"])
def test_shipped_overlays_are_valid(name):
    overlay = yaml.safe_load((REPO / "config" / name).read_text(encoding="utf-8"))
    check_config(merged(shipped_config(), overlay))


@pytest.mark.parametrize("readme", [REPO / "README.md", README], ids=["README", "config"])
def test_the_readme_examples_work_as_written(readme):
    text = readme.read_text(encoding="utf-8")
    example = yaml.safe_load(re.search(r"```yaml\n(# my.yaml\n.*?)```", text, re.DOTALL)[1])
    config = merged(shipped_config(), example)
    check_config(config)
    # The example's themes are the themes: the default ones are not scored beside them.
    if "themes" in example:
        assert config["themes"]["seed_words"] == example["themes"]["seed_words"]


def test_a_config_with_only_the_required_keys_gets_every_default():
    required = {
        "random_state": 42,
        "corpus": {"sources": [{"path": "seeds"}]},
        "normalize": {},
        "tfidf": {},
        "lda": {"num_topics": "auto"},
        "cluster": {},
        "themes": {"seed_words": shipped_config()["themes"]["seed_words"]},
        "figures": {},
    }
    assert validated_config(required) == shipped_config()


def test_defaults_are_filled_as_snakemake_fills_them():
    from snakemake.utils import validate

    config = {
        "random_state": 1,
        "corpus": {"sources": [{"path": "a"}, {"path": "b", "format": "csv"}]},
        "normalize": {"stemmer": "light"},
        "tfidf": {},
        "lda": {"num_topics": "auto", "num_topics_range": {"max": 6}},
        "cluster": {"k_range": {"min": 3}},
        "themes": {"seed_words": {"war": ["حرب"]}},
        "figures": {},
    }
    ours = validated_config(config)
    validate(config, str(SCHEMA_PATH))  # fills config in place
    assert ours == config
    assert ours["lda"]["num_topics_range"] == {"min": "auto", "max": 6, "step": "auto"}


def test_check_config_leaves_the_config_as_it_is():
    config = {"lda": {"num_topics": 3}}
    before = copy.deepcopy(config)
    with pytest.raises(ValueError, match="config key random_state: required but missing"):
        check_config(config)
    assert config == before


# ---------------------------------------------------------------------------------------
# config/README.md


def readme_rows() -> dict[str, tuple[str, str]]:
    """{key: (default cell, meaning cell)} of the README's key tables."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\| `([^`]+)` \| `(.*?)` \| (.*) \|", line)
        if match:
            rows[match[1]] = (match[2].replace("\\|", "|"), match[3].replace("\\|", "|"))
    return rows


def test_readme_tables_are_generated_from_the_schema():
    text = README.read_text(encoding="utf-8")
    assert update_readme(text) == text, "run: .venv/bin/python config/update_readme.py"


def test_readme_has_a_table_for_every_top_level_key():
    tables = TABLE_START.findall(README.read_text(encoding="utf-8"))
    assert tables == list(SCHEMA["properties"])


def test_readme_documents_every_key_with_its_default_and_description():
    rows = readme_rows()
    for key, subschema in documented_keys(SCHEMA):
        assert key in rows, key
        default, meaning = rows[key]
        expected = subschema["default"]
        shown = default if isinstance(expected, str) else yaml.safe_load(default)
        assert shown == expected, key
        assert meaning == " ".join(subschema["description"].split()), key
    leaf_keys = {key for key, s in properties(SCHEMA) if "properties" not in s}
    assert leaf_keys <= set(rows)


# ---------------------------------------------------------------------------------------
# The package's defaults


def init_defaults(cls) -> dict:
    return {
        f.name: list(f.default) if isinstance(f.default, tuple) else f.default
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING
    }


def test_normalization_settings_defaults_are_the_schema_defaults():
    from arabic_news_topics.normalize.core import NormalizationSettings

    package = init_defaults(NormalizationSettings)
    schema = schema_defaults()["normalize"]
    shared = package.keys() & schema.keys()
    assert {k: package[k] for k in shared} == {k: schema[k] for k in shared}
    # The word lists are files in the config, their lines in the package; the manifest's
    # too_short drop is the normalize_corpus step's.
    assert package.keys() - schema.keys() == {
        "multiword_list",
        "reporting_words",
        "compiled_patterns",
    }
    assert schema.keys() - package.keys() == {
        "multiword_list_file",
        "reporting_words_file",
        "min_document_tokens",
    }
    assert NormalizationSettings.from_config({}) == NormalizationSettings()
    assert NormalizationSettings.from_config(schema) == NormalizationSettings()


def test_k_choice_defaults_are_the_schema_defaults():
    import inspect

    from arabic_news_topics.topics import selection, step

    lda = schema_defaults()["lda"]
    assert lda["min_relative_prevalence"] == selection.MIN_RELATIVE_PREVALENCE
    assert set(selection.SELECT_RULES) == set(
        SCHEMA["properties"]["lda"]["properties"]["select_rule"]["enum"]
    )
    parameters = inspect.signature(step.select_num_topics).parameters
    assert parameters["select_rule"].default == lda["select_rule"]
    assert parameters["min_relative_prevalence"].default == lda["min_relative_prevalence"]


def test_corpus_settings_defaults_are_the_schema_defaults():
    from arabic_news_topics.corpus.core import NearDuplicateSettings, Source

    corpus = SCHEMA["properties"]["corpus"]["properties"]
    source = {k: s["default"] for k, s in corpus["sources"]["items"]["properties"].items()}
    assert init_defaults(Source) == {k: v for k, v in source.items() if k != "path"}
    assert init_defaults(NearDuplicateSettings) == schema_defaults()["corpus"]["near_duplicates"]


# ---------------------------------------------------------------------------------------
# Config errors: each stops the workflow before any job (workflow/rules/common.smk calls
# check_config), with a message that names the key and what it allows.


def edit(path: str, value=None, *, drop: bool = False):
    """An edit of the shipped config: set (or drop) the key at ``path`` (a.b[0].c)."""
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]

    def apply(config):
        node = config
        for part in parts[:-1]:
            node = node[part]
        if drop:
            del node[parts[-1]]
        else:
            node[parts[-1]] = value

    return apply


def both(*edits):
    def apply(config):
        for one in edits:
            one(config)

    return apply


SCHEMA_ERRORS = [
    # The cases of test_workflow.py's test_config_errors_stop_before_any_job.
    ("missing key", edit("lda.num_topics", drop=True), "config key lda.num_topics: required"),
    (
        "negative topics",
        edit("lda.num_topics", -3),
        "config key lda.num_topics: -3 is not an integer >= 1, a non-empty list of distinct "
        "integers >= 1 or auto",
    ),
    (
        "unknown key",
        edit("lda.num_topic", 3),
        "config key lda.num_topic: unknown key (did you mean num_topics?)",
    ),
    (
        "bad method",
        edit("cluster.method", "dbscan"),
        "config key cluster.method: 'dbscan' is not one of kmeans, agglomerative",
    ),
    ("bad cluster k", edit("cluster.k", "many"), "config key cluster.k: 'many' is not an integer"),
    (
        "cluster features typo",
        edit("cluster.features", "lsa_noidf"),
        "config key cluster.features: 'lsa_noidf' is not one of auto, lsa, lsa_no_idf, tfidf, "
        "topics, dmm (did you mean lsa_no_idf?)",
    ),
    (
        "auto features typo",
        edit("cluster.auto_features", ["lsa", "topic"]),
        "config key cluster.auto_features[1]: 'topic' is not one of lsa, lsa_no_idf, tfidf, "
        "topics, dmm (did you mean topics?)",
    ),
    (
        "one stability run",
        edit("cluster.stability_runs", 1),
        "config key cluster.stability_runs: 1 is not an integer >= 2",
    ),
    (
        "no dmm sweep",
        edit("cluster.dmm_iterations", 0),
        "config key cluster.dmm_iterations: 0 is not an integer >= 1",
    ),
    (
        "negative dmm limit",
        edit("cluster.dmm_max_tokens", -1),
        "config key cluster.dmm_max_tokens: -1 is not an integer >= 0",
    ),
    (
        "topics range word",
        edit("lda.num_topics_range.max", "many"),
        "config key lda.num_topics_range.max: 'many' is not",
    ),
    # Typos of enum values.
    (
        "engine typo",
        edit("lda.engine", "gensimm"),
        "config key lda.engine: 'gensimm' is not one of auto, gensim, sklearn_lda, "
        "sklearn_nmf, tomotopy, dmm (did you mean gensim?)",
    ),
    (
        "dmm restarts",
        edit("lda.dmm_restarts", 0),
        "config key lda.dmm_restarts: 0 is not an integer >= 1",
    ),
    (
        "evaluation engine typo",
        edit("evaluation.engines", ["gensim", "sklearn-nmf"]),
        "config key evaluation.engines[1]: 'sklearn-nmf' is not one of gensim, sklearn_lda, "
        "sklearn_nmf, tomotopy, dmm (did you mean sklearn_nmf?)",
    ),
    (
        "topics at the label count not a boolean",
        edit("evaluation.topics_at_label_count", "yes"),
        "config key evaluation.topics_at_label_count: 'yes' is not true or false",
    ),
    (
        "format typo",
        edit("corpus.sources[0].format", "jsnl"),
        "config key corpus.sources[0].format: 'jsnl' is not one of txt, jsonl, json, csv, tsv",
    ),
    (
        "stemmer typo",
        edit("normalize.stemmer", "lite"),
        "config key normalize.stemmer: 'lite' is not one of none, light, root",
    ),
    ("select_by typo", edit("lda.select_by", "npmi"), "config key lda.select_by: 'npmi'"),
    (
        "select_rule typo",
        edit("lda.select_rule", "1se"),
        "config key lda.select_rule: '1se' is not one of one_se, best",
    ),
    ("period typo", edit("trends.period", "monthly"), "config key trends.period: 'monthly'"),
    (
        "contrast of an unknown covariate",
        edit("trends.contrasts", [{"covariate": "outlet", "first": "a", "second": "b"}]),
        "config key trends.contrasts[0].covariate: 'outlet' is not one of source, period",
    ),
    (
        "split date not a date",
        edit("trends.split_date", "1/8/2015"),
        "config key trends.split_date: '1/8/2015'",
    ),
    (
        "seed matching typo",
        edit("themes.seed_matching", "stem"),
        "config key themes.seed_matching: 'stem' is not one of light_stem, exact",
    ),
    (
        "relevance lambda above 1",
        edit("topics.relevance_lambda", 1.5),
        "config key topics.relevance_lambda: 1.5",
    ),
    ("map typo", edit("cluster.map", "umap"), "config key cluster.map: 'umap' is not one of"),
    (
        "explorer words too few",
        edit("explorer.words", 2),
        "config key explorer.words: 2 is not an integer from 5 to 100",
    ),
    (
        "explorer documents not a number",
        edit("explorer.documents", "all"),
        "config key explorer.documents: 'all' is not an integer >= 100",
    ),
    (
        "explorer search words negative",
        edit("explorer.search_words", -1),
        "config key explorer.search_words: -1 is not an integer >= 0",
    ),
    (
        "unknown explorer key",
        edit("explorer.word", 20),
        "config key explorer.word: unknown key (did you mean words?)",
    ),
    # Unknown keys, at every level.
    (
        "unknown section",
        edit("clusters", {"k": 3}),
        "config key clusters: unknown key (did you mean cluster?); the keys of the config are",
    ),
    (
        "unknown source key",
        edit("corpus.sources[0].formt", "txt"),
        "config key corpus.sources[0].formt: unknown key (did you mean format?)",
    ),
    (
        "unknown nested key",
        edit("corpus.near_duplicates.treshold", 0.9),
        "config key corpus.near_duplicates.treshold: unknown key (did you mean threshold?)",
    ),
    (
        "unknown normalize switch",
        edit("normalize.remove_emoji", True),
        "config key normalize.remove_emoji: unknown key",
    ),
    # Types and ranges.
    ("empty section", edit("normalize", None), "config key normalize: null is not a mapping"),
    (
        "repeated seed",
        edit("lda.random_seeds", [7, 7]),
        "config key lda.random_seeds: [7, 7] is not a non-empty list of distinct integers >= 0",
    ),
    (
        "relative prevalence",
        edit("lda.min_relative_prevalence", 1.5),
        "config key lda.min_relative_prevalence: 1.5 is not a number from 0 to 1",
    ),
    (
        "held-out share",
        edit("lda.heldout_share", 0.7),
        "config key lda.heldout_share: 0.7 is not a number from 0 to 0.5",
    ),
    (
        "held-out minimum",
        edit("lda.heldout_min_documents", 0),
        "config key lda.heldout_min_documents: 0",
    ),
    (
        "refinement iterations",
        edit("cluster.refine_iterations", -1),
        "config key cluster.refine_iterations: -1",
    ),
    (
        "ngram range",
        edit("tfidf.ngram_range", [1]),
        "config key tfidf.ngram_range: [1] is not a list of 2 integers >= 1",
    ),
    (
        "max_df zero",
        edit("tfidf.max_df", 0),
        "config key tfidf.max_df: 0 is not an integer >= 1 or a number > 0 and <= 1",
    ),
    ("string for number", edit("lda.iterations", "400"), "config key lda.iterations: '400'"),
    ("no sources", edit("corpus.sources", []), "config key corpus.sources: [] is not"),
    (
        "source without path",
        edit("corpus.sources[0].path", drop=True),
        "config key corpus.sources[0].path: required but missing",
    ),
    (
        "theme name",
        edit("themes.seed_words.Terror", ["إرهاب"]),
        "config key themes.seed_words.Terror: the name 'Terror' is not allowed; names must match",
    ),
    (
        "theme without seeds",
        edit("themes.seed_words.terrorism", []),
        "config key themes.seed_words.terrorism: [] is not a non-empty list of non-empty strings",
    ),
    (
        "no themes",
        edit("themes.seed_words", {}),
        "config key themes.seed_words: {} is not a mapping",
    ),
]

SEMANTIC_ERRORS = [
    # The cases of test_workflow.py's test_config_errors_stop_before_any_job.
    (
        "guided sklearn",
        both(edit("lda.engine", "sklearn_lda"), edit("lda.guided", True)),
        "config key lda.engine: lda.guided works with lda.engine gensim or tomotopy",
    ),
    (
        "guided too few topics",
        both(edit("lda.guided", True), edit("lda.num_topics", [2, 3, 4])),
        "config key lda.num_topics: lda.guided needs every K to be at least the number of "
        "themes (3); the smallest is 2",
    ),
    (
        "alpha of another engine",
        edit("lda.alpha", "asymmetric"),
        "config key lda.engine: lda.alpha 'asymmetric' is gensim-only; with lda.engine tomotopy "
        "use symmetric or a positive number (lda.engine auto fits tomotopy to a corpus of short "
        "documents, by lda.short_document_words; set lda.engine to one engine to use only it)",
    ),
    (
        "alpha of an evaluation engine",
        both(edit("lda.alpha", "asymmetric"), edit("lda.engine", "gensim")),
        "config key evaluation.engines: lda.alpha 'asymmetric' is gensim-only",
    ),
    (
        "missing corpus",
        edit("corpus.sources[0].path", "no/such/folder"),
        "config key corpus.sources[0].path: no/such/folder does not exist",
    ),
    # More of what the schema cannot express.
    (
        "eta of NMF",
        both(edit("lda.eta", 0.1), edit("evaluation.engines", ["sklearn_nmf"])),
        "config key evaluation.engines: lda.eta must be symmetric with lda.engine sklearn_nmf",
    ),
    (
        "guided dmm",
        both(edit("lda.engine", "dmm"), edit("lda.guided", True), edit("lda.num_topics", [3])),
        "config key lda.engine: lda.guided works with lda.engine gensim or tomotopy",
    ),
    (
        "alpha of the dmm",
        both(edit("lda.alpha", "auto"), edit("lda.engine", "dmm"), edit("evaluation.engines", [])),
        "config key lda.engine: lda.alpha 'auto' is gensim-only",
    ),
    (
        "a gensim-only prior with engine auto",
        both(edit("lda.eta", "auto"), edit("evaluation.engines", [])),
        "config key lda.engine: lda.eta 'auto' is gensim-only; with lda.engine tomotopy use "
        "symmetric or a positive number (lda.engine auto fits tomotopy to a corpus of short "
        "documents",
    ),
    (
        "guided with eta",
        both(edit("lda.guided", True), edit("lda.num_topics", [3]), edit("lda.eta", 0.5)),
        "config key lda.engine: lda.guided replaces lda.eta",
    ),
    (
        "auto topics range",
        both(edit("lda.num_topics", "auto"), edit("lda.num_topics_range", {"min": 8, "max": 4})),
        "config key lda.num_topics_range: lda.num_topics auto needs",
    ),
    (
        "auto clusters range",
        both(edit("cluster.k", "auto"), edit("cluster.k_range", {"min": 8, "max": 4})),
        "config key cluster.k_range: cluster.k = auto needs",
    ),
    # Boilerplate patterns: compiled before any job, for RE2 (normalize/patterns.py).
    (
        "unclosed pattern",
        edit("normalize.boilerplate_patterns", ["نسخ الرابط", "ضغط هنا", "(unclosed"]),
        "config key normalize.boilerplate_patterns[2]: '(unclosed' is not a valid regular "
        "expression: missing ), unterminated subpattern at position 0",
    ),
    (
        "lookbehind pattern",
        edit("normalize.boilerplate_patterns", ["(?<=المصدر)ا"]),
        "config key normalize.boilerplate_patterns[0]: '(?<=المصدر)ا' uses a lookbehind "
        "(?<=...), which boilerplate patterns do not support",
    ),
    (
        "backreference pattern",
        edit("normalize.boilerplate_patterns", ["التعليقات", r"(\w+) \1"]),
        r"config key normalize.boilerplate_patterns[1]: '(\\w+) \\1' uses a backreference",
    ),
    (
        "word boundary pattern",
        edit("normalize.boilerplate_patterns", [r"\bشارك\b"]),
        r"config key normalize.boilerplate_patterns[0]: '\\bشارك\\b' uses \b (a word boundary)",
    ),
    # The word lists, inputs of every normalization job.
    (
        "missing reporting words",
        edit("normalize.reporting_words_file", "config/nope.txt"),
        "config key normalize.reporting_words_file: config/nope.txt does not exist",
    ),
    (
        "missing multiword list",
        edit("normalize.multiword_list_file", "config/expressions.txt"),
        "config key normalize.multiword_list_file: config/expressions.txt does not exist",
    ),
    (
        "word list is a folder",
        edit("normalize.multiword_list_file", "config"),
        "config key normalize.multiword_list_file: config is not a file",
    ),
]


def broken(change) -> dict:
    config = shipped_config()
    change(config)
    return config


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=case) for case, change, message in SCHEMA_ERRORS],
)
def test_schema_errors_name_the_key(change, message):
    with pytest.raises(ValueError) as caught:
        check_config(broken(change), workdir=REPO)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "change", [pytest.param(change, id=case) for case, change, _ in SCHEMA_ERRORS]
)
def test_snakemake_validate_rejects_the_same_configs(change):
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    with pytest.raises(WorkflowError):
        validate(broken(change), str(SCHEMA_PATH))


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=case) for case, change, message in SEMANTIC_ERRORS],
)
def test_errors_the_schema_cannot_express_name_the_key(change, message):
    config = broken(change)
    validated_config(config)  # the schema allows it
    with pytest.raises(ValueError) as caught:
        check_config(config, workdir=REPO)
    assert message in str(caught.value)


def test_every_schema_error_is_reported_at_once():
    change = both(edit("lda.engine", "gensimm"), edit("cluster.method", "dbscan"))
    with pytest.raises(ValueError) as caught:
        check_config(broken(change))
    assert str(caught.value).splitlines() == [
        "config key lda.engine: 'gensimm' is not one of auto, gensim, sklearn_lda, "
        "sklearn_nmf, tomotopy, dmm (did you mean gensim?)",
        "config key cluster.method: 'dbscan' is not one of kmeans, agglomerative",
    ]


def test_corpus_paths_are_checked_only_with_a_working_directory(tmp_path):
    config = broken(edit("corpus.sources[0].path", "my_corpus"))
    shutil.copytree(REPO / "config", tmp_path / "config")  # the word lists
    check_config(config)
    with pytest.raises(ValueError, match=r"corpus.sources\[0\].path: my_corpus does not exist"):
        check_config(config, workdir=tmp_path)
    (tmp_path / "my_corpus").mkdir()
    check_config(config, workdir=tmp_path)


def test_a_catastrophic_pattern_is_accepted_since_it_cannot_hang():
    # (a+)+$ takes exponential time in Python's re; RE2 matches it in linear time.
    check_config(broken(edit("normalize.boilerplate_patterns", [r"(a+)+$"])), workdir=REPO)


# ---------------------------------------------------------------------------------------
# A user's config: merged over config/config.yaml, themes replaced whole


def test_only_the_user_named_mappings_are_replaced_whole():
    # themes.seed_words and topics.labels map names the user chooses (themes, topic
    # numbers); the other mappings have fixed keys.
    assert whole_keys() == [("topics", "labels"), ("themes", "seed_words")]


def test_merge_config_merges_as_snakemake_does():
    from snakemake.utils import update_config

    base = shipped_config()
    overlay = {
        "lda": {"num_topics_range": {"max": 6}, "random_seeds": [1]},
        "corpus": {"sources": [{"path": "mine"}]},
        "themes": {"seed_words": {"elections": ["انتخابات"]}},
    }
    expected = copy.deepcopy(base)
    update_config(expected, overlay)
    assert merge_config(base, overlay) == expected
    assert base == shipped_config()  # merge_config changes neither


def test_user_themes_replace_the_default_themes():
    user = {"themes": {"seed_words": {"elections": ["انتخابات", "صناديق الاقتراع"]}}}
    config = merge_config(shipped_config(), user)
    # Snakemake's merge alone keeps the three default themes beside the user's.
    assert set(config["themes"]["seed_words"]) == {
        "terrorism",
        "nato_relations",
        "middle_east_peace",
        "elections",
    }
    assert replace_whole(config, [user], whole_keys()) == ["themes.seed_words"]
    assert config["themes"]["seed_words"] == {"elections": ["انتخابات", "صناديق الاقتراع"]}
    # The other theme settings, and every other section, keep their defaults.
    assert config["themes"]["min_score"] == shipped_config()["themes"]["min_score"]
    assert {k: v for k, v in config.items() if k != "themes"} == {
        k: v for k, v in shipped_config().items() if k != "themes"
    }


def test_the_last_user_config_that_sets_the_themes_gives_them():
    first = {"themes": {"seed_words": {"elections": ["انتخابات"]}}}
    second = {"lda": {"num_topics": 3}}
    command_line = {"themes": {"seed_words": {"economy": ["اقتصاد"]}}}
    config = shipped_config()
    for user in (first, second, command_line):
        config = merge_config(config, user)
    replace_whole(config, [first, second], whole_keys())
    assert config["themes"]["seed_words"] == {"elections": ["انتخابات"]}
    replace_whole(config, [first, second, command_line], whole_keys())
    assert config["themes"]["seed_words"] == {"economy": ["اقتصاد"]}


def test_a_user_config_without_themes_keeps_the_default_themes():
    config = merge_config(shipped_config(), {"lda": {"num_topics": 3}})
    assert replace_whole(config, [{"lda": {"num_topics": 3}}], whole_keys()) == []
    assert config["themes"] == shipped_config()["themes"]


def test_the_schema_says_that_user_themes_replace_the_defaults():
    description = SCHEMA["properties"]["themes"]["properties"]["seed_words"]["description"]
    assert "replace" in description and "--configfile" in description


# ---------------------------------------------------------------------------------------
# Config files: a YAML mistake names the file, line and column


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "lda:\n  num_topics: [2, 3\n  engine: gensim\n",
            "my.yaml:3:9: did not find expected ',' or ']' (while parsing a flow sequence, "
            "at line 2, column 15)\n      engine: gensim\n            ^",
            id="unclosed-list",
        ),
        pytest.param(
            "lda:\n\tnum_topics: 3\n",
            "my.yaml:2:1: found character that cannot start any token",
            id="tab",
        ),
        pytest.param(
            "lda:\n  num_topics: 3\ncluster:\n  k: 2\nlda:\n  engine: gensim\n",
            "my.yaml:5:1: the key 'lda' is written twice in one mapping (first at line 1)",
            id="repeated-key",
        ),
        pytest.param("", "my.yaml: the config is empty", id="empty"),
        pytest.param("- lda\n", "my.yaml: the config is [lda], not a mapping of keys", id="list"),
        pytest.param('{"lda": {"num_topics": [2, 3}}', "my.yaml:1:29: ", id="bad-json"),
    ],
)
def test_config_file_mistakes_name_the_file_line_and_column(tmp_path, text, message):
    path = tmp_path / "my.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_config_file(path)
    assert f"{tmp_path}/{message}" in str(caught.value)


def test_config_files_read_as_snakemake_reads_them(tmp_path):
    from snakemake.common.configfile import load_configfile

    (tmp_path / "my.json").write_text('{"lda": {"num_topics": [2, 3]}}', encoding="utf-8")
    (tmp_path / "my.yaml").write_text("lda:\n  num_topics: [2, 3]  # K\n", encoding="utf-8")
    for name in ("my.json", "my.yaml"):
        assert load_config_file(tmp_path / name) == load_configfile(str(tmp_path / name))
    assert load_config_file(CONFIG) == shipped_config()
    with pytest.raises(ValueError, match=r"nope\.yaml: no such config file"):
        load_config_file(tmp_path / "nope.yaml")


def test_config_files_are_checked_without_snakemake(tmp_path, monkeypatch, capsys):
    shutil.copytree(REPO / "config", tmp_path / "config")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "mine.yaml").write_text(
        "themes:\n  seed_words:\n    elections: [انتخابات]\n", encoding="utf-8"
    )
    (tmp_path / "broken.yaml").write_text("lda:\n  num_topics: [2, 3\n", encoding="utf-8")
    config = check_config_files(["mine.yaml"], tmp_path)
    assert list(config["themes"]["seed_words"]) == ["elections"]
    monkeypatch.chdir(tmp_path)
    assert main(["mine.yaml"]) == 0
    assert main(["broken.yaml"]) == 1
    assert "broken.yaml:3:1: did not find expected ',' or ']'" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------
# K against the number of documents (known once read_corpus has run: common.smk)


def test_ks_above_the_number_of_documents_are_left_out_with_a_warning():
    kept, warning = grid_within_documents([2, 3, 5, 6, 50], 5, "lda.num_topics")
    assert kept == [2, 3, 5]
    assert warning.startswith("config key lda.num_topics: K = 6, 50 left out, above the number")
    assert "(5)" in warning


def test_ks_within_the_number_of_documents_give_no_warning():
    assert grid_within_documents([2, 3], 3, "lda.num_topics") == ([2, 3], "")


def test_no_k_within_the_number_of_documents_is_an_error_naming_the_key():
    with pytest.raises(ValueError) as caught:
        grid_within_documents([50], 5, "lda.num_topics")
    assert str(caught.value) == (
        "config key lda.num_topics: every K asked for ([50]) is above the number of documents "
        "of the corpus (5); ask for at most 5"
    )


# ---------------------------------------------------------------------------------------
# Through Snakemake: the one check that only a dry run shows


def test_a_configfile_with_its_own_themes_runs_without_the_default_themes(
    tmp_path, copy_project, snakemake
):
    # Guided topics need at least one K per theme: with K = 2 and the user's two themes the
    # dry run passes; with the three default themes merged in, it would stop on lda.num_topics.
    workdir = copy_project(tmp_path / "project")
    (workdir / "mine.yaml").write_text(
        "lda:\n  guided: true\n  num_topics: [2]\nthemes:\n  seed_words:\n"
        "    elections: [انتخابات]\n    economy: [اقتصاد]\n",
        encoding="utf-8",
    )
    result = snakemake(
        workdir, "--dry-run", "--quiet", "rules", "--configfile", "mine.yaml", check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "build_guided_prior" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cores", "4"], []),
        (["--configfile", "a.yaml", "--directory", "runs/a"], ["a.yaml"]),
        (["--configfiles", "a.yaml", "b.yaml", "-n"], ["a.yaml", "b.yaml"]),
        (["--configfile=a.yaml", "all", "paper"], ["a.yaml"]),
        (["all", "--configfile", "a.yaml", "--configfile", "b.yaml"], ["a.yaml", "b.yaml"]),
    ],
)
def test_config_files_among_snakemakes_arguments(args, expected):
    from arabic_news_topics.config import snakemake_config_files

    assert snakemake_config_files(args) == expected


def test_make_run_names_the_line_of_a_yaml_mistake_in_a_users_config(tmp_path, monkeypatch, capsys):
    from arabic_news_topics.config import main

    for folder in ("config", "seeds"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "my.yaml").write_text("lda:\n  num_topics: [3, 4\ncluster: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--snakemake", "--directory", "runs/my", "--configfile", "my.yaml"]) == 1
    message = capsys.readouterr().err
    assert "my.yaml:3:8:" in message  # file, line and column
    assert main(["--snakemake", "--cores", "4"]) == 0
    assert "config/config.yaml: a valid config" in capsys.readouterr().out


def test_the_workflow_starts_without_scikit_learn_or_scipy_cluster(loaded_modules):
    """Every Snakemake start (a dry run, a rerun, each job under SLURM) imports the modules
    that common.smk imports to check the config and plan the run: they must not load
    scikit-learn or scipy.cluster (about 0.1 s each), which only the jobs need."""
    common = (REPO / "workflow" / "rules" / "common.smk").read_text(encoding="utf-8")
    modules = set(re.findall(r"^from (arabic_news_topics[\w.]*) import", common, re.M))
    modules |= {
        f"arabic_news_topics.{name}"
        for name in re.findall(r"^from arabic_news_topics import (\w+)", common, re.M)
    }
    assert {"arabic_news_topics.clusters.core", "arabic_news_topics.runs"} <= modules
    code = f"import {', '.join(sorted(modules))}"
    assert loaded_modules(code, ["sklearn", "scipy.cluster"]) == []


def test_rules_that_read_the_chosen_k_declare_select_num_topics_output():
    """An input function that reads the choice of K (get_chosen_run_files,
    get_reference_run_file, get_cluster_topic_files) gives Snakemake the runs of the
    chosen_k.json it finds when it plans; only a rule that also declares an output of the
    checkpoint select_num_topics is planned again once it has run (else it keeps an earlier
    run's K: tests/workflow/test_planted.py)."""
    readers = ("get_chosen_run_files(", "get_reference_run_file(", "get_cluster_topic_files")
    declares = ("results/04_lda/chosen_k.json", "results/04_lda/topic_word.npz",
                "get_cluster_chosen_input()")  # fmt: skip
    found = {}
    for path in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        text = path.read_text(encoding="utf-8")
        for block in re.split(r"^(?=(?:rule|checkpoint) \w+:)", text, flags=re.M):
            name = re.match(r"(?:rule|checkpoint) (\w+):", block)
            inputs = block.split("output:")[0]
            if name and any(reader in inputs for reader in readers):
                found[name.group(1)] = any(d in inputs for d in declares)
    assert {"evaluate_labels", "cluster_documents", "export_model"} <= set(found)
    assert all(found.values()), found
