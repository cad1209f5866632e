"""The boilerplate patterns of the config (``normalize.boilerplate_patterns``), matched by RE2.

Why RE2 and not Python's ``re``: a backtracking engine takes exponential time on some
patterns (``(a+)+$`` on a line of a's and one more letter), so one mistyped pattern of a
user's would hang the normalization job for ever, with no message. RE2 (``google-re2``)
matches in time linear in the length of the line, whatever the pattern, and every pattern
is matched in one pass (an ``RE2::Set``), faster than trying them one by one with ``re``.

The patterns keep Python's syntax and meaning: each is parsed by Python's own parser, so an
invalid one gets Python's message, and written out again in RE2's syntax, with Python's
Unicode ``\\d``, ``\\s`` and ``\\w`` (RE2's are ASCII only: ``\\s`` would not match a
no-break space). What cannot be matched in linear time (backreferences, lookarounds,
possessive quantifiers, atomic groups, conditional groups) is refused, and so are ``\\b`` and
``\\B``, which RE2 knows for ASCII words only, naming the construct. One difference remains:
``(?i)`` folds case as RE2 does, which differs from Python's on a few Latin letters (the
Turkish dotted and dotless i); Arabic script has no case.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from re import _constants as sre  # Python's own parser (3.11+): the meaning of a pattern
from re import _parser as sre_parse

import re2

#: Python's ``\\s`` on text: the characters of ``str.isspace`` (all below U+3001), written
#: as members of an RE2 character class.
_SPACES = "".join(f"\\x{{{code:X}}}" for code in range(0x3001) if chr(code).isspace())

#: Python's Unicode classes (``\\d`` is a decimal digit, category Nd; ``\\w`` is a letter, a
#: number or ``_``, as ``str.isalnum``), as members of an RE2 character class; None where
#: RE2 has no way to write it inside a class.
_MEMBERS = {
    sre.CATEGORY_DIGIT: r"\p{Nd}",
    sre.CATEGORY_NOT_DIGIT: r"\P{Nd}",
    sre.CATEGORY_SPACE: _SPACES,
    sre.CATEGORY_NOT_SPACE: None,
    sre.CATEGORY_WORD: r"\p{L}\p{N}_",
    sre.CATEGORY_NOT_WORD: None,
}

#: The same classes on their own (outside ``[...]``).
_ALONE = {
    sre.CATEGORY_DIGIT: r"\p{Nd}",
    sre.CATEGORY_NOT_DIGIT: r"\P{Nd}",
    sre.CATEGORY_SPACE: f"[{_SPACES}]",
    sre.CATEGORY_NOT_SPACE: f"[^{_SPACES}]",
    sre.CATEGORY_WORD: r"[\p{L}\p{N}_]",
    sre.CATEGORY_NOT_WORD: r"[^\p{L}\p{N}_]",
}

_OPPOSITE = {
    sre.CATEGORY_DIGIT: sre.CATEGORY_NOT_DIGIT,
    sre.CATEGORY_SPACE: sre.CATEGORY_NOT_SPACE,
    sre.CATEGORY_WORD: sre.CATEGORY_NOT_WORD,
}
_OPPOSITE.update({value: key for key, value in _OPPOSITE.items()})

#: Flags that RE2 writes as Python does.
_FLAGS = {sre.SRE_FLAG_IGNORECASE: "i", sre.SRE_FLAG_MULTILINE: "m", sre.SRE_FLAG_DOTALL: "s"}

#: The ASCII flag would change \\d \\s \\w; VERBOSE and UNICODE change nothing once parsed.
_REFUSED_FLAGS = {sre.SRE_FLAG_ASCII: "the ASCII flag (?a)", sre.SRE_FLAG_LOCALE: "(?L)"}

_BOUNDARY = "match whole lines with ^...$, or put the spaces around the word in the pattern"


class UnsupportedPattern(ValueError):
    """A valid Python regular expression that RE2 cannot match (in linear time): the
    construct, and a hint of what to write instead."""

    def __init__(self, construct: str, hint: str = "") -> None:
        super().__init__(construct)
        self.construct, self.hint = construct, hint


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # the errors are raised, with the key, not logged to stderr
    return options


def _char(code: int) -> str:
    char = chr(code)
    return char if char.isalnum() else f"\\x{{{code:X}}}"


def _flags(flags: int) -> str:
    for flag, name in _REFUSED_FLAGS.items():
        if flags & flag:
            raise UnsupportedPattern(name)
    return "".join(name for flag, name in _FLAGS.items() if flags & flag)


def _class(items: list) -> str:
    negate = bool(items) and items[0][0] is sre.NEGATE
    items = items[negate:]
    if len(items) == 1 and items[0][0] is sre.CATEGORY:
        category = _OPPOSITE[items[0][1]] if negate else items[0][1]
        return _ALONE[category]
    members = []
    for op, value in items:
        if op is sre.LITERAL:
            members.append(_char(value))
        elif op is sre.RANGE:
            members.append(f"{_char(value[0])}-{_char(value[1])}")
        elif op is sre.CATEGORY and _MEMBERS[value] is not None:
            members.append(_MEMBERS[value])
        elif op is sre.CATEGORY:
            raise UnsupportedPattern(r"\S or \W inside [...] with other characters")
        else:  # pragma: no cover - the parser puts nothing else in a class
            raise UnsupportedPattern(f"{op} inside [...]")
    return "[" + "^" * negate + "".join(members) + "]"


def _repeat(low: int, high: int) -> str:
    if high is sre.MAXREPEAT:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    if (low, high) == (0, 1):
        return "?"
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"


def _write(parsed) -> str:
    """RE2 syntax of a parsed Python pattern (groups become non-capturing: only whether a
    line matches is used)."""
    out = []
    for op, value in parsed:
        if op is sre.LITERAL:
            out.append(_char(value))
        elif op is sre.NOT_LITERAL:
            out.append(f"[^{_char(value)}]")
        elif op is sre.ANY:
            out.append(".")
        elif op is sre.IN:
            out.append(_class(value))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, item = value
            lazy = "?" if op is sre.MIN_REPEAT else ""
            out.append(f"(?:{_write(item)}){_repeat(low, high)}{lazy}")
        elif op is sre.SUBPATTERN:
            _, add, remove, item = value
            flags = _flags(add) + ("-" + _flags(remove) if _flags(remove) else "")
            out.append(f"(?{flags}:{_write(item)})")
        elif op is sre.BRANCH:
            out.append("(?:" + "|".join(_write(item) for item in value[1]) + ")")
        elif op is sre.AT:
            out.append(_anchor(value))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            ahead = value[0] == 1  # (direction, pattern): 1 looks ahead, -1 behind
            look, syntax = ("lookahead", "(?") if ahead else ("lookbehind", "(?<")
            if op is sre.ASSERT:
                raise UnsupportedPattern(f"a {look} {syntax}=...)")
            raise UnsupportedPattern(f"a negative {look} {syntax}!...)")
        else:
            raise UnsupportedPattern(_UNSUPPORTED.get(op, f"{op}"))
    return "".join(out)


_UNSUPPORTED = {
    sre.GROUPREF: r"a backreference (\1, (?P=name))",
    sre.GROUPREF_EXISTS: "a conditional group (?(1)...)",
    sre.ATOMIC_GROUP: "an atomic group (?>...)",
    sre.POSSESSIVE_REPEAT: "a possessive quantifier (*+, ++, ?+)",
}


def _anchor(code) -> str:
    # Python's $ also matches before a final newline; the lines matched here have none.
    anchors = {
        sre.AT_BEGINNING: "^",
        sre.AT_END: "$",
        sre.AT_BEGINNING_STRING: r"\A",
        sre.AT_END_STRING: r"\z",
    }
    if code in anchors:
        return anchors[code]
    if code is sre.AT_BOUNDARY:
        raise UnsupportedPattern(r"\b (a word boundary)", _BOUNDARY)
    raise UnsupportedPattern(r"\B (not a word boundary)", _BOUNDARY)


def to_re2(pattern: str) -> str:
    """``pattern`` (Python syntax) in RE2 syntax, with the same meaning on a line of text.

    Raises ``re.error`` if it is not a valid Python regular expression, and
    :class:`UnsupportedPattern` (naming the construct) if RE2 cannot match it.
    """
    with warnings.catch_warnings():
        # "Possible nested set" ([[:alpha:]]): the pattern means what Python reads.
        warnings.simplefilter("ignore", FutureWarning)
        parsed = sre_parse.parse(pattern)
    flags = _flags(parsed.state.flags)
    return (f"(?{flags})" if flags else "") + _write(parsed)


def pattern_problem(pattern: object) -> str:
    """What is wrong with a boilerplate pattern, in a sentence; ``""`` if nothing is."""
    if not isinstance(pattern, str):
        return f"{pattern!r} is not a string"
    try:
        rewritten = to_re2(pattern)
    except re.error as error:
        return f"{pattern!r} is not a valid regular expression: {error}"
    except UnsupportedPattern as error:
        hint = f"; {error.hint}" if error.hint else ""
        return (
            f"{pattern!r} uses {error.construct}, which boilerplate patterns do not support "
            f"(RE2 matches them, in time linear in the line){hint}"
        )
    except RecursionError:
        return f"{pattern!r} nests too deeply"
    try:
        re2.compile(rewritten, _options())
    except re2.error as error:
        problem = error.args[0].decode() if isinstance(error.args[0], bytes) else error.args[0]
        matcher = "RE2, the matcher of boilerplate patterns,"
        return f"{pattern!r} is beyond what {matcher} allows: {problem}"
    return ""


class LinePatterns:
    """Boilerplate patterns, compiled once into one RE2 set: :meth:`first_match` tells which
    of them (the first in the config's order) matches somewhere in a line."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self.patterns = tuple(patterns)
        self._set = None
        if not self.patterns:
            return
        compiled = re2.Set.SearchSet(_options())
        for number, pattern in enumerate(self.patterns):
            problem = pattern_problem(pattern)
            if problem:
                raise ValueError(f"normalize.boilerplate_patterns[{number}]: {problem}")
            compiled.Add(to_re2(pattern))
        try:
            compiled.Compile()
        except re2.error:
            raise ValueError(
                "normalize.boilerplate_patterns: the patterns together are beyond RE2's memory "
                "budget; use fewer or shorter ones"
            ) from None
        self._set = compiled

    def first_match(self, line: str) -> str | None:
        """The first pattern that matches somewhere in ``line`` (``re.search``), or None."""
        if self._set is None:
            return None
        # RE2 reads UTF-8; a lone surrogate (from a JSON escape) has none, and passes as
        # bytes that no character of a pattern matches.
        found = self._set.Match(line.encode("utf-8", "surrogatepass"))
        return self.patterns[min(found)] if found else None

    def __len__(self) -> int:
        return len(self.patterns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinePatterns) and other.patterns == self.patterns

    def __hash__(self) -> int:
        return hash(self.patterns)

    def __repr__(self) -> str:
        return f"LinePatterns({list(self.patterns)!r})"

    def __reduce__(self):
        # The RE2 set does not pickle; the patterns do (normalization pickles its settings).
        return (type(self), (self.patterns,))
