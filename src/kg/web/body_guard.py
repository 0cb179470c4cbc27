"""Checks on write bodies that must run before any parser does the expensive thing.

* **Entity expansion.** pyoxigraph's RDF/XML parser expands internal DTD entities, and nested
  ones multiply: a 1.3 KB "billion laughs" body grew the server to ~19 GB. Before parsing, every
  ``<!ENTITY`` declaration is read and the size each one expands to is *computed* (never
  expanded); external and parameter entities are refused outright, and the whole document may
  not expand by more than ``MAX_ENTITY_EXPANSION`` characters. Namespace-abbreviation entities
  (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``, as Protégé writes) still work.
* **Literal size.** No single literal longer than ``Config.max_literal_chars`` may be stored
  (413): a body under the request limit must not plant multi-MB literals that every later
  DESCRIBE, page and export then carries.
* **The inferred graph.** ``graph/inferred`` is recomputed after every write, so an update
  naming it (or a staging graph) would be silently undone; it is refused with 400 like the
  Graph Store Protocol refuses it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pyoxigraph as ox

from kg.config import Config
from kg.store.base import STAGING_PREFIX
from kg.store.guard import _tokens, _unescape  # the one SPARQL tokeniser

#: The most characters entity references may add to one RDF/XML document.
MAX_ENTITY_EXPANSION = 1_000_000
#: The most entity declarations one document may make (real files declare a handful of
#: namespace abbreviations; the bound also bounds the size computation's recursion).
MAX_ENTITIES = 256


class BodyRefused(Exception):
    """A write body refused before parsing; ``status`` 400 (malformed/hostile) or 413 (size)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


_DECL = re.compile(rb"<!ENTITY", re.I)
_ENTITY = re.compile(
    rb"""<!ENTITY\s+(?P<param>%\s+)?(?P<name>[^\s"'%>]+)\s+
         (?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<external>SYSTEM|PUBLIC)\b)""",
    re.X | re.I,
)
_REF = re.compile(rb"&([A-Za-z_:][\w.:\-]*);")
_PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def check_xml_entities(data: bytes, limit: int = MAX_ENTITY_EXPANSION) -> None:
    """Refuse an XML body whose entities are external, parameter, cyclic or expand past limit.

    Works on the raw bytes (pyoxigraph reads RDF/XML as UTF-8 only) and in time linear in the
    body: each entity's expanded size is computed once from its value's own references.
    """
    declared = len(_DECL.findall(data))
    if not declared:
        return
    if declared > MAX_ENTITIES:
        raise BodyRefused(
            400, f"the XML body declares {declared} entities; at most {MAX_ENTITIES} are accepted"
        )
    matches = list(_ENTITY.finditer(data))
    if len(matches) != declared:
        raise BodyRefused(400, "the XML body has an entity declaration that cannot be read")
    values: dict[bytes, bytes] = {}
    for match in matches:
        name = match.group("name")
        if match.group("param") or match.group("external"):
            kind = "parameter" if match.group("param") else "external"
            raise BodyRefused(
                400,
                f"the XML body declares the {kind} entity {name.decode(errors='replace')!r}; "
                "external and parameter entities are refused",
            )
        value = match.group("dq") if match.group("dq") is not None else match.group("sq")
        values.setdefault(name, value)  # XML: the first declaration binds
    sizes: dict[bytes, int] = {}

    def size(name: bytes, path: tuple[bytes, ...]) -> int:
        if name in _PREDEFINED:
            return 1
        if name in sizes:
            return sizes[name]
        if name not in values:
            raise BodyRefused(
                400, f"the XML body refers to the undeclared entity &{name.decode()};"
            )
        if name in path:
            raise BodyRefused(400, f"the XML entity &{name.decode()}; refers to itself")
        value = values[name]
        total = len(_REF.sub(b"", value))
        for ref in _REF.findall(value):
            total += size(ref, (*path, name))
            if total > limit:
                break
        sizes[name] = total
        return total

    expanded = 0
    for ref in _REF.findall(_ENTITY.sub(b"", data)):  # uses outside the declarations
        expanded += size(ref, ())
        if expanded > limit:
            raise BodyRefused(
                400,
                f"the XML body's entities expand to more than {limit:,} characters "
                "(nested entity definitions, a 'billion laughs' body); it is refused",
            )


def check_literals(data: bytes, fmt: ox.RdfFormat, config: Config) -> None:
    """413 if any literal in the RDF body is longer than ``config.max_literal_chars``.

    Runs after the structural checks (nesting, entities), so parsing here is bounded by the
    body's size; a body that does not parse is left for the write to report.
    """
    cap = config.max_literal_chars
    if cap <= 0 or (len(data) <= cap and fmt != ox.RdfFormat.RDF_XML):
        return  # too short to hold a longer literal (only entities could make one longer)
    try:
        for quad in ox.parse(data, format=fmt, base_iri=config.base_iri):
            obj = quad.object
            if isinstance(obj, ox.Literal) and len(obj.value) > cap:
                raise BodyRefused(413, _literal_message(len(obj.value), cap))
    except SyntaxError:
        return  # the write parses it again and answers 400 with the parser's position


def _literal_message(size: int, cap: int) -> str:
    return (
        f"a literal of {size:,} characters is longer than the limit of {cap:,} "
        "(KG_MAX_LITERAL_CHARS); store large texts outside the graph and link to them"
    )


def check_update(text: str, config: Config) -> None:
    """Refuse an update that names the inferred/staging graphs (400) or holds a literal longer
    than the cap (413), judged on its tokens (strings and comments are single tokens)."""
    cap = config.max_literal_chars
    readings = [text] if "\\u" not in text and "\\U" not in text else [text, _unescape(text)]
    for reading in readings:
        tokens = _tokens(reading)
        for kind, value in tokens:
            if kind == "string" and cap > 0 and len(value) - 2 > cap:
                quote = 3 if value[:3] in ('"""', "'''") else 1
                raise BodyRefused(413, _literal_message(len(value) - 2 * quote, cap))
        computed = _computed_graph_named(tokens, config)
        if computed:
            raise BodyRefused(
                400,
                f"the update names <{computed}>, which the service computes after every "
                "write; it cannot be written (write to a graph of your own instead)",
            )


def _computed_graph_named(tokens: list[tuple[str, str]], config: Config) -> str | None:
    """The first IRI in the update that is the inferred graph or a staging graph."""
    prefixes = dict(config.prefixes())
    base = config.base_iri
    for i, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "name" else ""
        nxt = tokens[i + 2] if i + 2 < len(tokens) else ("", "")
        if upper == "PREFIX" and nxt[0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = urljoin(base, nxt[1][1:-1])
            continue
        if upper == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base = urljoin(base, tokens[i + 1][1][1:-1])
            continue
        iri = None
        if kind == "iri":
            iri = urljoin(base, value[1:-1])
        elif kind == "name" and ":" in value:
            prefix, _, local = value.rstrip(".;,").partition(":")
            if prefix in prefixes:
                iri = prefixes[prefix] + local
        if iri and (iri == config.inferred_graph or iri.startswith(STAGING_PREFIX)):
            return iri
    return None
