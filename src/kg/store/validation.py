"""SHACL validation of the data against ``ontology/shapes.ttl`` (pyshacl), with readable reports.

Validation runs on an rdflib copy of what *would* be committed, so a write that breaks a shape
is refused before it reaches the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH

from kg.store.base import GraphStore

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Violation:
    focus: str
    focus_label: str | None
    path: str | None
    message: str
    severity: str
    #: the SHACL constraint component (``MinCountConstraintComponent`` …) and the offending
    #: value, when the report names them
    component: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        who = f"{self.focus_label} <{self.focus}>" if self.focus_label else f"<{self.focus}>"
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: {who}{where}: {self.message}"


def shapes_graph(dirs: tuple[Path, ...], base_iri: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for folder in dirs:
        for file in sorted(folder.glob("*shapes*.ttl")):
            graph.parse(file, format="turtle", publicID=base_iri)
    return graph


def rdflib_term(term: Any) -> rdflib.term.Node:
    """A pyoxigraph term as rdflib's; blank nodes keep their label, so a violation on one names
    the same node whichever way the graph was read (whole store or a neighbourhood)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return rdflib.URIRef(term.value)
    if kind is ox.BlankNode:
        return rdflib.BNode(term.value)
    if kind is ox.Literal:
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:  # as rdflib's own parsers read a simple literal
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))
    raise ValueError(f"no rdflib term for {term!r}")  # RDF-star quoted triples


def to_rdflib(triples: Iterable[Any]) -> rdflib.Graph:
    """Merge everything into one rdflib graph (SHACL validates the union). Takes pyoxigraph
    quads, triples or (s, p, o) tuples."""
    graph = rdflib.Graph()
    add = graph.add
    for t in triples:
        if isinstance(t, tuple):
            s, p, o = t
        else:
            s, p, o = t.subject, t.predicate, t.object
        add((rdflib_term(s), rdflib_term(p), rdflib_term(o)))
    return graph


def store_as_rdflib(store: GraphStore) -> rdflib.Graph:
    return to_rdflib(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))  # type: ignore[arg-type]


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> list[Violation]:
    from pyshacl import validate as shacl_validate

    if len(shapes) == 0:
        return []
    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    violations: list[Violation] = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        severity = report.value(result, SH.resultSeverity)
        component = report.value(result, SH.sourceConstraintComponent)
        value = report.value(result, SH.value)
        label = _label(data, focus)
        violations.append(
            Violation(
                focus=str(focus),
                focus_label=label,
                path=_short(path),
                message=str(message) if message else "shape not satisfied",
                severity=_short(severity) or "Violation",
                component=_short(component),
                value=None if value is None else str(value),
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return [v for v in violations if v.severity == "Violation"] + [
        v for v in violations if v.severity != "Violation"
    ]


def _label(data: rdflib.Graph, focus: rdflib.term.Node) -> str | None:
    """The focus node's zh-Hans label, else its smallest label (not the first one read: the
    order depends on how the graph was filled)."""
    labels = list(data.objects(focus, RDFS.label))
    chosen = [c for c in labels if (getattr(c, "language", None) or "").lower() == "zh-hans"]
    return min((str(c) for c in (chosen or labels)), default=None)


def _short(term: rdflib.term.Node | None) -> str | None:
    if term is None:
        return None
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            return text.rsplit(sep, 1)[1] or text
    return text
