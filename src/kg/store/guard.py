"""Outbound access control: ``SERVICE`` in queries and ``LOAD`` in updates are closed by default.

Both make the *server* open HTTP connections to wherever the request says (SSRF), so a target
must start with one of the configured IRI prefixes (``KG_OUTBOUND_ALLOW``, comma-separated);
``SERVICE ?var`` (a target chosen at run time) is always refused.

Detection tokenises the request the way a SPARQL parser does (strings, comments, IRIs,
variables, language tags and prefixed names are single tokens), so ``"SERVICE"`` in a literal or
a comment is not a false alarm and ``SERVICE<http://x>`` without spaces is not missed. SPARQL
allows ``\\uXXXX`` escapes anywhere in the text; to be independent of whether the engine applies
them outside strings, the text is checked both as sent and with the escapes applied, and a
request is refused if either reading reaches a target outside the allow-list.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from kg.config import Config


class OutboundRefused(Exception):
    """The request would make the server contact a target that is not allowed."""


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
               | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)
               | "(?:[^"\\\n\r]|\\.)*(?:"|$)
               | '(?:[^'\\\n\r]|\\.)*(?:'|$))
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][^\s(){}\[\],;"'<>\#?$=!|&+*/^@.]*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<name>[^\s(){}\[\],;"'<>\#?$=!|&+*/^@]+)
    | (?P<other>.)
    """,
    re.X | re.S,
)
_KEYWORDS = {"SERVICE", "LOAD"}


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        out.append((kind, match.group()))
    return out


def _unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return m.group()

    return _ESCAPE.sub(repl, text)


def outbound_targets(text: str, config: Config) -> list[str | None]:
    """Every SERVICE/LOAD target in the request: an absolute IRI, or None if not fixed."""
    found: list[str | None] = []
    readings = [text] if "\\" not in text else [text, _unescape(text)]
    for reading in readings:
        if not any(k in reading.upper() for k in _KEYWORDS):
            continue
        found.extend(_targets_in(_tokens(reading), config))
    return found


def _targets_in(tokens: list[tuple[str, str]], config: Config) -> Iterable[str | None]:
    prefixes = dict(config.prefixes())
    base = config.base_iri
    for i, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "name" else ""
        if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = urljoin(base, tokens[i + 2][1][1:-1])
        elif upper == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base = urljoin(base, tokens[i + 1][1][1:-1])
        elif upper in _KEYWORDS:
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "name" and tokens[j][1].upper() == "SILENT":
                j += 1
            if j >= len(tokens):
                yield None
                continue
            t_kind, t_value = tokens[j]
            if t_kind == "iri":
                yield urljoin(base, t_value[1:-1])
            elif t_kind == "name" and ":" in t_value:
                prefix, _, local = t_value.rstrip(".").partition(":")
                yield prefixes[prefix] + local if prefix in prefixes else None
            else:
                yield None


def check(text: str, config: Config, *, what: str = "query") -> None:
    """Raise ``OutboundRefused`` unless every SERVICE/LOAD target is allow-listed."""
    allow = config.outbound_allow
    for target in outbound_targets(text, config):
        if target is None:
            raise OutboundRefused(
                f"this {what} uses SERVICE or LOAD with a target that is not a fixed, "
                "allow-listed IRI; outbound requests are refused"
            )
        if not any(target.startswith(prefix) for prefix in allow):
            hint = (
                "no outbound targets are allowed"
                if not allow
                else "allowed prefixes: " + ", ".join(allow)
            )
            raise OutboundRefused(
                f"this {what} would make the server contact <{target}>, which is not allowed "
                f"({hint}; the operator can set KG_OUTBOUND_ALLOW to a comma-separated list of "
                "IRI prefixes)"
            )


#: Deeper bracket nesting than this is refused: the SPARQL parser recurses per level and a
#: few thousand levels overflow its stack, which kills the whole process (not an exception).
MAX_NESTING = 200


_OPAQUE = re.compile(
    r"""\#[^\n\r]*|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"""
    r"""|"(?:[^"\\\n\r]|\\.)*(?:"|$)|'(?:[^'\\\n\r]|\\.)*(?:'|$)|<[^<>"{}|^`\\\x00-\x20]*>""",
    re.S,
)
_BRACKETS = re.compile(r"[{(\[\])}]")


class TooComplex(Exception):
    """The request is nested too deeply to parse safely."""


def check_nesting(text: str, *, limit: int = MAX_NESTING, what: str = "query") -> None:
    """Raise ``TooComplex`` if brackets outside strings/comments/IRIs nest deeper than limit."""
    if sum(text.count(c) for c in "{([") <= limit:
        return
    depth = deepest = 0
    for match in _BRACKETS.finditer(_OPAQUE.sub(" ", text)):
        value = match.group()
        if value in "{([":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                raise TooComplex(
                    f"the {what} nests brackets more than {limit} levels deep; "
                    "simplify it (deeper nesting is refused to protect the parser)"
                )
        elif value in "})]":
            depth = max(0, depth - 1)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKETS = re.compile(r"[{\[\]}]")
_XML_OPAQUE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![^>]*>", re.S)
_XML_TAG = re.compile(r"<(/?)[^\s<>/!?][^<>]*?(/?)>")


def check_rdf_nesting(data: bytes, media: str, *, limit: int = MAX_NESTING) -> None:
    """Refuse RDF bodies nested deeper than ``limit``: parsers recurse (JSON-LD overflows its
    stack at a few thousand levels and takes the process down) or slow down quadratically."""
    text = data.decode("utf-8", errors="replace")
    depth = deepest = 0
    if "json" in media:
        for match in _JSON_BRACKETS.finditer(_JSON_STRING.sub(" ", text)):
            depth = depth + 1 if match.group() in "{[" else max(0, depth - 1)
            deepest = max(deepest, depth)
    elif "xml" in media:
        for match in _XML_TAG.finditer(_XML_OPAQUE.sub(" ", text)):
            closing, empty = match.groups()
            if closing:
                depth = max(0, depth - 1)
            elif not empty:
                depth += 1
                deepest = max(deepest, depth)
    else:  # Turtle family: same lexical rules as SPARQL for strings, comments and IRIs
        check_nesting(text, limit=limit, what="RDF body")
    if deepest > limit:
        raise TooComplex(f"the RDF body nests more than {limit} levels deep; it is refused")


class Malformed(Exception):
    """The query does not parse (the message names line and column)."""


_CHECKER = threading.local()
#: Query texts up to this length keep their verdict (``check_syntax``): bounded memory.
SYNTAX_MEMO_MAX_CHARS = 16_384


def check_syntax(
    query: str, config: Config, substitutions: Mapping[str, Any] | None = None
) -> None:
    """Parse the query here, on an empty in-memory store, so a malformed one is a 400 without
    taking a query worker (a flood of garbage must not queue behind real queries).

    The verdict depends only on the text, the base IRI, the prefixes and which variables are
    substituted, so it is memoised: a named query's text is the same on every request, and
    parsing it again cost 0.3–0.6 ms a request."""
    names = tuple(sorted(substitutions)) if substitutions else ()
    if len(query) > SYNTAX_MEMO_MAX_CHARS:
        problem = _parse_problem(query, config.base_iri, _prefix_items(config), names)
    else:
        problem = _memo_parse_problem(query, config.base_iri, _prefix_items(config), names)
    if problem is not None:
        raise Malformed(problem)


def _prefix_items(config: Config) -> tuple[tuple[str, str], ...]:
    return tuple(config.prefixes().items())


def _parse_problem(
    query: str, base_iri: str, prefixes: tuple[tuple[str, str], ...], names: tuple[str, ...]
) -> str | None:
    """The syntax error's description, or ``None`` if the text parses."""
    from kg.store.base import describe_syntax_error

    empty = getattr(_CHECKER, "store", None)
    if empty is None:
        empty = _CHECKER.store = ox.Store()
    kwargs: dict[str, Any] = {
        "base_iri": base_iri,
        "prefixes": dict(prefixes),
        "use_default_graph_as_union": True,
    }
    if names:
        # Only the variables matter to the parser; an unbound blank node stands for any value.
        kwargs["substitutions"] = {ox.Variable(k): ox.BlankNode() for k in names}
    try:
        empty.query(query, **kwargs)  # parsed; an empty store has nothing to evaluate
    except SyntaxError as err:
        return describe_syntax_error("query", err)
    except (ValueError, RuntimeError):
        pass  # the worker decides, with the real dataset
    return None


_memo_parse_problem = lru_cache(maxsize=512)(_parse_problem)
