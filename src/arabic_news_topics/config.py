"""The workflow's configuration: its schema, its defaults and its checks, without Snakemake.

``workflow/schemas/config.schema.yaml`` is the one source of every setting: its type, its
default and its description. ``config/config.yaml`` (the shipped settings, with comments) is
checked against the schema's defaults, and the tables of ``config/README.md`` are generated
from it (:func:`update_readme`, run by ``config/update_readme.py``); the tests check both.

:func:`check_config` is what the workflow runs before any job (``workflow/rules/common.smk``):
the schema, with defaults filled in as Snakemake's ``validate`` fills them, and then the checks
the schema cannot express. Tests call it directly: milliseconds a config, once the stage
modules it asks are imported.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

#: The schema lives with the workflow, not in the package: Snakemake validates against this
#: same file (``validate`` in the Snakefile), so a copy inside the package could drift from
#: it. The package is installed editable (``pip install -e .``, the Makefile) from the
#: repository, so it finds the file from its own location:
#: src/arabic_news_topics/config.py -> <repo>/workflow/schemas/config.schema.yaml
#: (an install without the repository has no schema, and load_schema names the path).
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


@functools.cache
def _parse_schema(path: str, modified_ns: int) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when there
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)


def load_schema(path: str | Path = SCHEMA_PATH) -> dict:
    """The configuration schema (a fresh copy on every call: callers may change it)."""
    return copy.deepcopy(_parse_schema(str(path), Path(path).stat().st_mtime_ns))


# ---------------------------------------------------------------------------------------
# Defaults


def _fill_defaults(instance: Any, schema: Mapping, fill_required: bool) -> None:
    """Fill in ``instance`` the defaults of the properties it lacks, recursively.

    The same defaults Snakemake's ``validate(config, schema)`` (``set_default=True``) fills:
    every property with a ``default`` that the instance lacks gets a copy of it, and the
    objects inside (those given and those just filled in, list items too) are filled in
    turn. A required property is not filled unless ``fill_required``: a config must give it
    (Snakemake reports it missing too, the schema lists ``required`` before ``properties``).
    """
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        required = () if fill_required else schema.get("required", ())
        for key, subschema in properties.items():
            if key not in instance and "default" in subschema and key not in required:
                instance[key] = copy.deepcopy(subschema["default"])
        for key, value in instance.items():
            if key in properties:
                _fill_defaults(value, properties[key], fill_required)
    elif isinstance(instance, list) and isinstance(schema.get("items"), Mapping):
        for item in instance:
            _fill_defaults(item, schema["items"], fill_required)


def schema_defaults(schema: Mapping | None = None) -> dict:
    """Every default of the schema, nested like a config: what ``config/config.yaml`` holds."""
    schema = load_schema() if schema is None else schema
    defaults: dict = {}
    _fill_defaults(defaults, schema, fill_required=True)
    return defaults


# ---------------------------------------------------------------------------------------
# Config files


class _ConfigLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader, refusing a key written twice in one mapping (YAML keeps the last
    silently: a second ``lda:`` section would drop the first)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            # yte templates (``?if``, ``?else``) repeat their keys on purpose.
            if isinstance(key, str) and key.startswith("?"):
                continue
            if key in seen:
                first = seen[key]
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is written twice in one mapping (first at line "
                    f"{first.line + 1}); YAML would keep only the last",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


def load_config_file(path: str | Path) -> dict:
    """A config file (YAML, or JSON as Snakemake reads it), as a mapping.

    ValueError names the file and, for a YAML mistake, the line and column with the line
    itself (Snakemake's own message, "Config file is not valid JSON or YAML", has neither).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such config file") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start})") from None
    try:
        data = json.loads(text)  # Snakemake tries JSON first
    except ValueError:
        try:
            data = yaml.load(text, Loader=_ConfigLoader)
        except yaml.MarkedYAMLError as error:
            raise ValueError(_yaml_error(path, text, error)) from None
        except yaml.YAMLError as error:
            raise ValueError(f"{path}: {error}") from None
    if not isinstance(data, dict):
        what = "empty" if data is None else f"{_show(data)}, not a mapping of keys"
        raise ValueError(f"{path}: the config is {what}")
    return data


def _yaml_error(path: Path, text: str, error: yaml.MarkedYAMLError) -> str:
    """``path:line:column: problem`` with the line and a caret under the column."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "not valid YAML"
    if mark is None:
        return f"{path}: {problem}"
    message = f"{path}:{mark.line + 1}:{mark.column + 1}: {problem}"
    if error.context and error.context_mark and error.context_mark is not mark:
        start = error.context_mark
        message += f" ({error.context}, at line {start.line + 1}, column {start.column + 1})"
    lines = text.splitlines()
    if mark.line < len(lines):
        line = lines[mark.line].replace("\t", " ")
        message += f"\n    {line}\n    {' ' * mark.column}^"
        if "\t" in lines[mark.line]:
            message += "\n(YAML indents with spaces, not tabs)"
    return message


def merge_config(base: Mapping, overlay: Mapping) -> dict:
    """``overlay`` over ``base`` as Snakemake merges a --configfile or --config: mappings key
    by key, recursively; any other value (a list too) replaces the one below it."""
    merged = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_config(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def whole_keys(schema: Mapping | None = None) -> list[tuple[str, ...]]:
    """The keys whose value a user's config replaces whole, not merged key by key.

    They are the mappings whose names the user chooses (an ``additionalProperties`` schema,
    such as ``themes.seed_words``: theme name to seed words). Snakemake merges a
    ``--configfile`` into config/config.yaml key by key, so a user's themes would otherwise
    be scored next to the default ones. Mappings of fixed keys (``lda.num_topics_range``)
    merge as Snakemake merges them: a key left out keeps its default.
    """
    schema = load_schema() if schema is None else schema

    def walk(node: Mapping, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        for name, subschema in node.get("properties", {}).items():
            if isinstance(subschema.get("additionalProperties"), Mapping):
                yield (*path, name)
            else:
                yield from walk(subschema, (*path, name))

    return list(walk(schema, ()))


_ABSENT = object()


def _lookup(config: Any, key: tuple[str, ...]) -> Any:
    for part in key:
        if not isinstance(config, Mapping) or part not in config:
            return _ABSENT
        config = config[part]
    return config


def replace_whole(
    config: dict, user_configs: Iterable[Mapping], keys: Iterable[tuple[str, ...]]
) -> list[str]:
    """Give each of ``keys`` in ``config`` the value of the last of ``user_configs`` that sets
    it, whole; return those keys, dotted.

    ``config`` is the config Snakemake merged (config/config.yaml, then each
    ``--configfile``, then ``--config``, key by key); ``user_configs`` are those files and the
    ``--config`` values, in that order, as they were written. Changes ``config`` in place.
    """
    replaced = []
    for key in keys:
        value = _ABSENT
        for user_config in user_configs:
            found = _lookup(user_config, key)
            value = value if found is _ABSENT else found
        parent = _lookup(config, key[:-1])
        if value is _ABSENT or not isinstance(parent, dict):
            continue  # not set by the user (or not a mapping: the schema check says so)
        parent[key[-1]] = copy.deepcopy(value)
        replaced.append(config_key(key))
    return replaced


# ---------------------------------------------------------------------------------------
# Messages


def config_key(path: Iterable[str | int]) -> str:
    """A config key as the docs write it: ``corpus.sources[0].path``."""
    key = ""
    for part in path:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else str(part)
    return key


def _show(value: Any) -> str:
    """A value in a message: strings quoted, the rest as YAML writes it (null, true, [1, 2])."""
    if isinstance(value, str):
        return repr(value)
    return flow_yaml(value)


def flow_yaml(value: Any) -> str:
    """``value`` in one line of YAML flow style: ``[2, 3]``, ``{min: 2, max: 10}``, ``null``."""
    text = yaml.safe_dump(
        [value], default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**9
    )
    return text.strip()[1:-1]


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _bounds(schema: Mapping) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    bounds = []
    if low is not None and high is not None:
        bounds.append(f"from {low} to {high}")
    elif low is not None:
        bounds.append(f">= {low}")
    elif high is not None:
        bounds.append(f"<= {high}")
    if "exclusiveMinimum" in schema:
        bounds.insert(0, f"> {schema['exclusiveMinimum']}")
    if "exclusiveMaximum" in schema:
        bounds.append(f"< {schema['exclusiveMaximum']}")
    return " " + " and ".join(bounds) if bounds else ""


_NOUNS = {
    "integer": ("an integer", "integers"),
    "number": ("a number", "numbers"),
    "string": ("a string", "strings"),
    "boolean": ("true or false", "booleans"),
    "object": ("a mapping", "mappings"),
    "array": ("a list", "lists"),
}


def describe(schema: Mapping, plural: bool = False) -> str:
    """What a schema allows, in words: ``an integer >= 1, a list of ... or auto``."""
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return _or([describe(option, plural) for option in schema[keyword]])
    if "enum" in schema:
        names = [str(v) if isinstance(v, str) else flow_yaml(v) for v in schema["enum"]]
        if len(names) == 1:
            return names[0]
        return ("values from " if plural else "one of ") + ", ".join(names)
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    if not types:
        return "anything"
    words = []
    for kind in types:
        if kind == "null":
            words.append("null")
            continue
        noun = _NOUNS.get(kind, (f"a {kind}", f"{kind}s"))[plural]
        if kind in ("integer", "number"):
            noun += _bounds(schema)
        elif kind == "string":
            if schema.get("minLength", 0) >= 1:
                noun = "non-empty strings" if plural else "a non-empty string"
            if "pattern" in schema:
                noun += f" matching {schema['pattern']}"
        elif kind == "array":
            noun = _describe_array(schema, plural)
        elif kind == "object" and "minProperties" in schema:
            least = schema["minProperties"]
            noun += f" with at least {least} {'entry' if least == 1 else 'entries'}"
        words.append(noun)
    return _or(words)


def _describe_array(schema: Mapping, plural: bool) -> str:
    low, high = schema.get("minItems", 0), schema.get("maxItems")
    if high is not None and low == high:
        head, count = "list", f"{low} "
    elif low == 1 and high is None:
        head, count = "non-empty list", ""
    else:
        limits = [f"at least {low}"] if low else []
        limits += [f"at most {high}"] if high is not None else []
        head, count = "list", " and ".join(limits) + " " if limits else ""
    noun = f"{head}s" if plural else f"a {head}"
    items = schema.get("items")
    if not isinstance(items, Mapping):
        return noun
    distinct = "distinct " if schema.get("uniqueItems") else ""
    return f"{noun} of {count}{distinct}{describe(items, plural=True)}"


def _suggestion(value: Any, choices: Iterable[Any]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _messages(error) -> list[str]:
    """One line a problem for a jsonschema ValidationError, naming the config key."""
    path = list(error.absolute_path)
    key = config_key(path)
    schema = error.schema
    if "propertyNames" in error.relative_schema_path:
        rule = f"match {schema['pattern']}" if "pattern" in schema else f"be {describe(schema)}"
        return [
            f"config key {config_key([*path, str(error.instance)])}: the name "
            f"{error.instance!r} is not allowed; names must {rule}"
        ]
    if error.validator == "additionalProperties" and schema.get("additionalProperties") is False:
        known = list(schema.get("properties", {}))
        return [
            f"config key {config_key([*path, extra])}: unknown key{_suggestion(extra, known)}; "
            f"the keys of {key or 'the config'} are {', '.join(known)}"
            for extra in error.instance
            if extra not in known
        ]
    if error.validator == "required":
        properties = schema.get("properties", {})
        return [
            f"config key {config_key([*path, name])}: required but missing "
            f"({describe(properties.get(name, {}))})"
            for name in schema["required"]
            if name not in error.instance
        ]
    where = key or "(the whole config)"
    hint = _suggestion(error.instance, schema["enum"]) if "enum" in schema else ""
    return [f"config key {where}: {_show(error.instance)} is not {describe(schema)}{hint}"]


# ---------------------------------------------------------------------------------------
# Validation


def validated_config(config: Mapping, schema: Mapping | None = None) -> dict:
    """A copy of ``config`` with the schema's defaults filled in, after checking it against
    the schema; ValueError names every key that is wrong and what it allows."""
    schema = load_schema() if schema is None else schema
    filled = copy.deepcopy(dict(config))
    _fill_defaults(filled, schema, fill_required=False)
    messages: list[str] = []
    for error in Draft202012Validator(schema).iter_errors(filled):
        for message in _messages(error):
            if message not in messages:
                messages.append(message)
    if messages:
        raise ValueError("\n".join(messages))
    return filled


def check_config(
    config: Mapping,
    schema: Mapping | None = None,
    workdir: str | Path | None = None,
    workflow_dir: str | Path | None = None,
) -> None:
    """Raise ValueError, naming the config key and what it allows, if the workflow cannot run
    with ``config``.

    First the schema (defaults filled in as Snakemake fills them; ``config`` itself is not
    changed), then what the schema cannot express: the priors and guided prior every engine
    of ``lda.engine`` and ``evaluation.engines`` is given, the grids of ``lda.num_topics`` and
    ``cluster.k``, that a guided model has at least one topic per theme, and that every
    boilerplate pattern compiles (for RE2). With ``workdir``, every corpus source's path and
    both word-list files must exist (relative paths under ``workdir``; a word list may also
    be the workflow's own, under ``workflow_dir``).
    """
    config = validated_config(config, schema)
    # The stages' own rules, imported here: the schema alone needs none of their libraries.
    from arabic_news_topics.clusters.core import k_grid
    from arabic_news_topics.topics.engines import AUTO_ENGINES, check_engine_options
    from arabic_news_topics.topics.selection import num_topics_grid

    lda, cluster = config["lda"], config["cluster"]
    # auto is either of its engines once the corpus is read: both must take the settings.
    main = list(AUTO_ENGINES.values()) if lda["engine"] == "auto" else [lda["engine"]]
    for engine in dict.fromkeys([*main, *config["evaluation"]["engines"]]):
        where = "lda.engine" if engine in main else "evaluation.engines"
        guided = lda["guided"] and engine in main
        try:
            check_engine_options(engine, lda["alpha"], lda["eta"], guided)
        except ValueError as error:
            if lda["engine"] == "auto" and engine in main:
                kind = "short" if engine == AUTO_ENGINES["short"] else "longer"
                has = (
                    f"lda.engine auto fits {engine} to a corpus of {kind} documents, by "
                    "lda.short_document_words; set lda.engine to one engine to use only it"
                )
            else:
                has = f"{where} has {engine}"
            raise ValueError(f"config key {where}: {error} ({has})") from None
    span = lda["num_topics_range"]
    try:
        # The corpus is not read yet: a scaled bound (auto) is checked at its largest here,
        # and again against the corpus when the Ks are fitted.
        ks = num_topics_grid(
            lda["num_topics"], span["min"], span["max"], span["step"], documents=10**9
        )
    except ValueError as error:
        where = "lda.num_topics_range" if lda["num_topics"] == "auto" else "lda.num_topics"
        raise ValueError(f"config key {where}: {error}") from None
    try:
        k_grid(cluster["k"], cluster["k_range"]["min"], cluster["k_range"]["max"])
    except ValueError as error:
        where = "cluster.k_range" if cluster["k"] == "auto" else "cluster.k"
        raise ValueError(f"config key {where}: {error}") from None
    themes = len(config["themes"]["seed_words"])
    if lda["guided"] and min(ks) < themes:
        raise ValueError(
            f"config key lda.num_topics: lda.guided needs every K to be at least the number "
            f"of themes ({themes}); the smallest is {min(ks)}"
        )
    # The user's regular expressions: each must compile, for RE2 too (normalize/patterns.py).
    from arabic_news_topics.normalize.patterns import pattern_problem

    for number, pattern in enumerate(config["normalize"]["boilerplate_patterns"]):
        problem = pattern_problem(pattern)
        if problem:
            raise ValueError(f"config key normalize.boilerplate_patterns[{number}]: {problem}")
    if workdir is not None:
        for number, source in enumerate(config["corpus"]["sources"]):
            if not (Path(workdir) / source["path"]).exists():
                raise ValueError(
                    f"config key corpus.sources[{number}].path: {source['path']} does not "
                    f"exist (relative to the working directory {workdir})"
                )
        # The word lists are inputs of every normalization job: relative to the working
        # directory, or else the workflow's own (runs.find_list_file, as the rules find them).
        from arabic_news_topics.runs import find_list_file

        for key in ("multiword_list_file", "reporting_words_file"):
            path = config["normalize"][key]
            found = find_list_file(path, workdir, workflow_dir or workdir)
            if found is not None and Path(workdir, found).is_file():
                continue
            candidates = [Path(workdir) / path]
            if workflow_dir is not None:
                candidates.append(Path(workflow_dir) / path)
            problem = "is not a file" if any(c.exists() for c in candidates) else "does not exist"
            where = f"the working directory {workdir}"
            if workflow_dir is not None:
                where += f", or to the workflow {workflow_dir}"
            raise ValueError(f"config key normalize.{key}: {path} {problem} (relative to {where})")


def grid_within_documents(ks: Sequence[int], documents: int, key: str) -> tuple[list[int], str]:
    """The Ks of a grid (``lda.num_topics``, ``cluster.k``: named by ``key``) that a corpus of
    ``documents`` documents can have: at most one topic or cluster per document.

    Returns them and a warning that names the key and the Ks left out (``""`` if none);
    ValueError, naming the key, if none is left.
    """
    kept = [k for k in ks if k <= documents]
    dropped = [k for k in ks if k > documents]
    if not kept:
        raise ValueError(
            f"config key {key}: every K asked for ({flow_yaml(list(ks))}) is above the number "
            f"of documents of the corpus ({documents}); ask for at most {documents}"
        )
    if not dropped:
        return kept, ""
    return kept, (
        f"config key {key}: K = {', '.join(map(str, dropped))} left out, above the number of "
        f"documents of the corpus ({documents}); fitting K = {', '.join(map(str, kept))}"
    )


# ---------------------------------------------------------------------------------------
# config/README.md


#: The tables of config/README.md that :func:`update_readme` writes: from a line
#: ``<!-- schema table: KEY -->`` to ``<!-- end of schema table -->``.
TABLE_START = re.compile(r"^<!-- schema table: (?P<key>[a-z_]+)\b.*-->$", re.MULTILINE)
TABLE_END = "<!-- end of schema table -->"


def documented_keys(schema: Mapping, prefix: str = "") -> list[tuple[str, Mapping]]:
    """The keys config/README.md has a row for, in schema order, with their schemas.

    Every leaf (a setting that is not an object of settings), and lists of objects (such as
    ``corpus.sources``) followed by their items' keys, written ``corpus.sources[].path``.
    """
    rows = []
    for name, subschema in schema.get("properties", {}).items():
        key = f"{prefix}{name}"
        items = subschema.get("items")
        if "properties" in subschema:
            rows += documented_keys(subschema, f"{key}.")
        elif isinstance(items, Mapping) and "properties" in items:
            rows.append((key, subschema))
            rows += documented_keys(items, f"{key}[].")
        else:
            rows.append((key, subschema))
    return rows


def readme_default(schema: Mapping) -> str:
    """A default as its table cell shows it: a string as it is, the rest in YAML flow style."""
    value = schema["default"]
    return value if isinstance(value, str) else flow_yaml(value)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def readme_table(schema: Mapping, section: str) -> str:
    """The Markdown table of one top-level key of the schema: key, default, meaning."""
    subschema = schema["properties"][section]
    if "properties" in subschema:
        rows = documented_keys(subschema, f"{section}.")
    else:
        rows = [(section, subschema)]
    lines = ["| key | default | meaning |", "| --- | --- | --- |"]
    for key, row in rows:
        default = _cell(readme_default(row))
        lines.append(f"| `{key}` | `{default}` | {_cell(row['description'])} |")
    return "\n".join(lines)


def update_readme(text: str, schema: Mapping | None = None) -> str:
    """``text`` (config/README.md) with every schema table regenerated from the schema."""
    schema = load_schema() if schema is None else schema
    parts, position = [], 0
    for start in TABLE_START.finditer(text):
        end = text.index(TABLE_END, start.end())
        parts += [text[position : start.end()], "\n", readme_table(schema, start["key"]), "\n"]
        position = end
    return "".join([*parts, text[position:]])


# ---------------------------------------------------------------------------------------
# Checking config files without Snakemake

#: The shipped settings, relative to the working directory (where the Snakefile reads them).
DEFAULT_CONFIG = "config/config.yaml"


def check_config_files(paths: Sequence[str | Path], workdir: str | Path = ".") -> dict:
    """The config the workflow runs with ``--configfile`` ``paths``: config/config.yaml, then
    each file (relative paths under ``workdir``, as for Snakemake) merged over it as Snakemake
    merges them, the keys of
    :func:`whole_keys` replaced whole, then checked (:func:`check_config`). ValueError names
    the file and line of a YAML mistake, or the key."""
    config = load_config_file(Path(workdir) / DEFAULT_CONFIG)
    user_configs = [load_config_file(Path(workdir) / path) for path in paths]
    for user_config in user_configs:
        config = merge_config(config, user_config)
    replace_whole(config, user_configs, whole_keys())
    check_config(config, workdir=workdir)
    return config


#: The options of Snakemake that name config files.
CONFIG_FILE_OPTIONS = ("--configfile", "--configfiles")


def snakemake_config_files(args: Sequence[str]) -> list[str]:
    """The config files among Snakemake's arguments ``args``: the values of ``--configfile``
    (``--configfiles``), each option followed by one or more files, or written ``=file``."""
    files, taking = [], False
    for arg in args:
        option, equals, value = arg.partition("=")
        if option in CONFIG_FILE_OPTIONS:
            taking = not equals
            if equals:
                files.append(value)
        elif arg.startswith("-"):
            taking = False
        elif taking:
            files.append(arg)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m arabic_news_topics.config my.yaml``: check config files as the workflow
    does, in a second, without starting it. Snakemake itself reads a ``--configfile`` before
    the workflow starts, and its message for a YAML mistake names no line; this one does.

    ``python -m arabic_news_topics.config --snakemake ARGS...`` checks the config files among
    Snakemake's arguments (``make run`` and ``make resume`` do, before Snakemake starts)."""
    args = list(sys.argv[1:] if argv is None else argv)
    paths = snakemake_config_files(args[1:]) if args[:1] == ["--snakemake"] else args
    try:
        check_config_files(paths, Path.cwd())
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{', '.join(map(str, paths)) or DEFAULT_CONFIG}: a valid config")
    return 0


if __name__ == "__main__":
    sys.exit(main())
