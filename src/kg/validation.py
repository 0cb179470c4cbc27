"""SHACL validation of the data against ``ontology/shapes.ttl`` (pyshacl), with readable reports.

Validation runs on an rdflib copy of what *would* be committed, so a write that breaks a shape
is refused before it reaches the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH

from .store import GraphStore


@dataclass(frozen=True)
class Violation:
    focus: str
    focus_label: str | None
    path: str | None
    message: str
    severity: str

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


def to_rdflib(quads_or_triples: list[ox.Quad] | list[ox.Triple]) -> rdflib.Graph:
    """Merge everything into one rdflib graph (SHACL validates the union)."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads_or_triples]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    return graph


def store_as_rdflib(store: GraphStore) -> rdflib.Graph:
    triples = list(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    return to_rdflib(triples)


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
        label = None
        for candidate in data.objects(focus, RDFS.label):
            label = str(candidate)
            if getattr(candidate, "language", None) in ("zh-hans", "zh-Hans"):
                break
        violations.append(
            Violation(
                focus=str(focus),
                focus_label=label,
                path=_short(path),
                message=str(message) if message else "shape not satisfied",
                severity=_short(severity) or "Violation",
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return [v for v in violations if v.severity == "Violation"] + [
        v for v in violations if v.severity != "Violation"
    ]


def _short(term: rdflib.term.Node | None) -> str | None:
    if term is None:
        return None
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            return text.rsplit(sep, 1)[1] or text
    return text
