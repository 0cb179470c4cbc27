"""What a remote engine is sent and asked for: the prologue, each engine's quirks (``Dialect``,
``VirtuosoDialect``), ground ``INSERT DATA`` blocks for triples with blank nodes, and the result
formats requested.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
import requests

from kg.config import Config
from kg.store.base import (
    StoreUnavailable,
    Term,
)
from kg.store.sparql_text import QueryShape, tokenize

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


SOLUTIONS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"


TRIPLES_ACCEPT = "application/n-triples, text/plain;q=0.5, text/turtle;q=0.4"


_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def prologue(config: Config, shape: QueryShape) -> str:
    """``BASE`` and the configured prefixes the text does not declare, on one line.

    One line, and joined to the text's first line, so the engine's line numbers still match
    what the user wrote.
    """
    parts = [] if shape.has_base else [f"BASE <{config.base_iri}>"]
    for prefix, namespace in config.prefixes().items():
        if prefix not in shape.declared_prefixes:
            parts.append(f"PREFIX {prefix}: <{namespace}>")
    return " ".join(parts) + " "


# -- engine dialects --------------------------------------------------------------------------
class Dialect:
    """What the protocols leave open; the base class assumes a plain SPARQL 1.1 engine."""

    name = "sparql11"
    #: Send the union default graph as an explicit dataset (every data graph as both
    #: default-graph-uri and named-graph-uri) instead of relying on the engine's default.
    explicit_union = True

    def is_system_graph(self, iri: str) -> bool:
        return False

    def error_message(self, body: str) -> str:
        return body.strip().splitlines()[0][:500] if body.strip() else ""

    def check_complete(self, response: requests.Response) -> None:
        """Raise when the engine says it returned only part of the answer."""

    def adapt_substituted(self, text: str, bindings: Mapping[str, Term]) -> str:
        """Rewrite a query whose variables are about to be bound (default: unchanged)."""
        return text

    def swap_ops(self, staging: str, target: str) -> list[str]:
        """Update operations that replace ``target`` by ``staging`` (sent as one request)."""
        return [
            f"DROP SILENT GRAPH <{target}>",
            f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{target}>",
        ]


class VirtuosoDialect(Dialect):
    """OpenLink Virtuoso 7 quirks, all in one place.

    * A fresh database holds system graphs (``virtrdf#``, ``ldp#``, ``owl#``,
      ``http://<host>/sparql``, ``/DAV/``); they are not data and are never listed.
    * With only ``default-graph-uri``, ``GRAPH ?g`` still ranges over *all* graphs (the
      protocol says: none). Handled portably by ``_dataset_params`` (``urn:kg:empty``).
    * Error bodies are ``Virtuoso 37000 Error SP030: … \\n\\nSPARQL query:\\n<the text>``: the
      echoed text (with our prologue) is cut off.
    * ``ResultSetMaxRows`` (10 000 in the packaged ini) and ``MaxQueryExecutionTime`` make
      Virtuoso answer with a *partial* result, flagged only by ``X-SQL-State``/
      ``X-SPARQL-MaxRows`` headers: turned into an error instead of silently short data.
    * Its default dataset already is the union of all graphs, and an explicit one (many
      ``default-graph-uri``) gives *wrong* answers for joins with property paths (e.g.
      ``?rel a ?c . ?c rdfs:subClassOf* X . ?rel ?p ?o`` loses most rows), so the engine's own
      union is used: system graphs then take part in unrestricted queries (they hold no
      ``yrd:`` data; VoID/stats counts include their ~5 600 triples).
    * ``SELECT DISTINCT ?g … GRAPH ?g`` takes seconds where ``GROUP BY ?g`` takes milliseconds.
    * ``STR()`` of a non-ASCII constant yields ``???`` (#609): see ``adapt_substituted``.
    * A multi-operation update request is one request, not an isolated transaction: while
      ``DROP``+``MOVE`` (or ``DELETE``+``INSERT``) swap a graph, concurrent readers were seen
      counting triples in between the old and the new size. Staging keeps that window to the
      swap itself (not the upload); see README "Scaling out".
    * ``?x p+ c`` answers a node once per path to it (SPARQL 1.1: once); not rewritten.
    * Language tags are lower-cased on the way in, like pyoxigraph does, so no rewriting.
    * Anonymous ``/sparql`` may not update: point ``--update-url`` at ``/sparql-auth``
      (digest) and the graph store at ``/sparql-graph-crud-auth``.
    """

    name = "virtuoso"
    explicit_union = False
    _SYSTEM = re.compile(
        r"^(http://www\.openlinksw\.com/|http://www\.w3\.org/ns/ldp#$|"
        r"http://www\.w3\.org/2002/07/owl#$|https?://[^/]+/(sparql|DAV/)$)"
    )

    def is_system_graph(self, iri: str) -> bool:
        return bool(self._SYSTEM.match(iri))

    def error_message(self, body: str) -> str:
        return body.split("\n\nSPARQL query:", 1)[0].strip()[:1000]

    def check_complete(self, response: requests.Response) -> None:
        state = response.headers.get("X-SQL-State", "")
        if state.startswith("S1TAT"):
            raise StoreUnavailable(
                "the remote engine stopped the query at its time limit and returned a partial "
                "result (Virtuoso MaxQueryExecutionTime); simplify it or add LIMIT",
                status=504,
            )
        max_rows = response.headers.get("X-SPARQL-MaxRows")
        if max_rows:
            raise StoreUnavailable(
                f"the remote engine cut the result at {max_rows} rows (Virtuoso "
                "ResultSetMaxRows in virtuoso.ini [SPARQL]); raise it or add LIMIT",
                status=502,
            )

    def adapt_substituted(self, text: str, bindings: Mapping[str, Term]) -> str:
        """``STR(?v)`` -> ``?v`` for variables bound to plain strings.

        Virtuoso's ``STR()`` of a non-ASCII string *constant* yields ``???``
        (openlink/virtuoso-opensource#609), which is what a bound variable becomes. For a plain
        (xsd:string) literal ``STR(x)`` is ``x`` itself, so dropping the call changes nothing
        else; the rewrite works on tokens, so text inside strings/IRIs is never touched.
        """
        names = {
            sigil + name
            for name, term in bindings.items()
            if isinstance(term, ox.Literal) and term.datatype.value == XSD_STRING
            for sigil in "?$"
        }
        if not names:
            return text
        tokens = tokenize(text)
        edits = []
        for i in range(len(tokens) - 3):
            a, b, c, d = tokens[i : i + 4]
            if a.upper == "STR" and b.text == "(" and c.text in names and d.text == ")":
                edits.append((a.start, d.start + 1, c.text))
        for start, end, var in reversed(edits):
            text = text[:start] + var + text[end:]
        return text


def detect_dialect(server_header: str) -> Dialect:
    if "virtuoso" in server_header.lower():
        return VirtuosoDialect()
    return Dialect()


_GROUND_INSERT = re.compile(
    r"\s*INSERT\s+DATA\s*\{\s*GRAPH\s*<([^<>\s]*)>\s*\{(.*)\}\s*\}\s*", re.S
)


def _ground_insert(sparql: str) -> tuple[str, list[ox.Triple]] | None:
    """(graph, triples) of a long ``INSERT DATA { GRAPH <g> { N-Triples } }``, else None.

    Engines choke on long ones (Virtuoso: "SP030 … memory exhausted" near 5 000 lines, which is
    what ``kg.store.inference`` writes); anything that is not exactly that shape goes as it is.
    """
    if len(sparql) < 64 * 1024:
        return None
    match = _GROUND_INSERT.fullmatch(sparql)
    if match is None:
        return None
    try:
        triples = [
            q.triple for q in ox.parse(match.group(2).encode(), format=ox.RdfFormat.N_TRIPLES)
        ]
    except (SyntaxError, ValueError):
        return None  # not plain N-Triples (prefixed names, a second operation…): send as is
    return ox.NamedNode(match.group(1)).value, triples


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)
