"""A file being loaded, parsed once into Python dict indexes (``ParsedFile``).

A big ``kg load`` runs the bulk loader (Rust, without the GIL) on one core; the other core
parses the same file into Python and does everything else from that one parse: the rules'
triples (inference), the focus nodes of the load and a first yes/no screen of them against the
compiled shapes (``kg.store.load_focus``). Reading the triples back from disk instead costs
~10 µs a quad (every term decoded through RocksDB); an in-memory pyoxigraph store costs as much
per lookup from Python. A dict lookup costs ~50 ns.

The terms must equal the stored ones: blank nodes get a suffix unique to this parse (the
parser keeps the file's labels, the store its own, and a file label must never meet a stored
blank node of another graph), and typed literals get the store's canonical form
(``"01"^^xsd:integer`` is stored as ``1``). RDF-star makes the parse give up (``None``): the
caller then reads the graph back, as before.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

#: subject -> predicate -> objects (a dict used as an ordered set)
Index = dict[Any, dict[Any, dict[Any, None]]]

_PLAIN = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}


@contextmanager
def no_gc() -> Iterator[None]:
    """Pauses Python's cycle collector: building millions of tuples and dicts (none of them in
    a cycle) otherwise triggers it again and again, ~2.5× the parse's own cost at 371 k
    triples. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class ParsedFile:
    """The file's triples by subject, as the store holds them."""

    index: Index
    #: distinct triples (what the store will count in the graph)
    triples: int


def parse_file(path: Path, fmt: ox.RdfFormat, base_iri: str) -> ParsedFile | None:
    """The file as a subject index (None: it holds RDF-star)."""
    suffix = "k" + uuid.uuid4().hex
    blanks: dict[str, ox.BlankNode] = {}
    typed: dict[Any, list[tuple[Any, Any]]] = {}  # literal -> (subject, predicate) holding it
    index: Index = {}
    blank, literal, named, add = ox.BlankNode, ox.Literal, ox.NamedNode, index_add
    seen = repeats = 0  # the distinct triples are counted here, not summed over the index after
    with no_gc():
        quads = ox.parse(path=str(path), format=fmt, base_iri=base_iri)
        for seen, q in enumerate(quads, 1):  # noqa: B007 - read after the loop
            s, p, o = q.subject, q.predicate, q.object
            ts, to = type(s), type(o)
            if ts is blank:
                s = blanks.get(s.value) or _relabelled(blanks, s.value, suffix)
            elif ts is not named:
                return None
            if to is literal:
                if o.language is None and o.datatype.value not in _PLAIN:
                    typed.setdefault(o, []).append((s, p))
            elif to is blank:
                o = blanks.get(o.value) or _relabelled(blanks, o.value, suffix)
            elif to is not named:
                return None
            if not add(index, s, p, o):
                repeats += 1
        if typed:
            repeats += _canonical_literals(index, typed)
    return ParsedFile(index, seen - repeats)


def index_add(index: Index, s: Any, p: Any, o: Any) -> bool:
    """Puts one triple into a subject index (objects kept as dict keys: ordered, no repeats);
    False if it was there. Called once per triple of a load: a call costs ~3 % of the parse
    loop on Python 3.11 (measured against the insert written out in the loop)."""
    preds = index.get(s)
    if preds is None:
        index[s] = {p: {o: None}}
    else:
        objects = preds.get(p)
        if objects is None:
            preds[p] = {o: None}
        elif o in objects:
            return False
        else:
            objects[o] = None
    return True


def _relabelled(blanks: dict[str, ox.BlankNode], label: str, suffix: str) -> ox.BlankNode:
    """The load's own blank node for a file label first seen (file labels are only unique
    within the file, so each load suffixes them)."""
    node = blanks[label] = ox.BlankNode(label + suffix)
    return node


def _canonical_literals(index: Index, typed: dict[Any, list[tuple[Any, Any]]]) -> int:
    """Replaces typed literals by the store's form of them (each distinct literal once, through
    a scratch in-memory store). Returns how many triples became one another's repeat
    (``"01"^^xsd:integer`` next to ``"1"^^xsd:integer``)."""
    scratch = ox.Store()
    marker = ox.NamedNode("urn:kg:literal")
    literals = list(typed)
    merged = 0
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:kg:{i}"), marker, lit) for i, lit in enumerate(literals)
    )
    for q in scratch.quads_for_pattern(None, marker, None, None):
        old = literals[int(q.subject.value[7:])]
        new = q.object
        if new == old:
            continue
        for s, p in typed[old]:
            objects = index[s][p]
            if old not in objects:
                continue  # the same triple twice in the file: moved the first time
            del objects[old]
            if new in objects:
                merged += 1
            else:
                objects[new] = None
    return merged
