"""Whole-store validation (``kg validate``): every focus node, with the compiled shapes.

Reading a node's triples through ``quads_for_pattern`` turns every stored id of every quad
(subject, predicate, object *and* graph name) back into a term; each such decode is a key-value
lookup, and at 1 M quads those decodes were most of the run (about 5 µs each; a bare scan of
the whole store takes under a second). So this path reads through SPARQL, which matches on
ids inside the store and decodes only what it returns:

- the focus nodes come from one ``SELECT DISTINCT ?s`` over the target classes (each node
  decoded once), not from a scan of every ``rdf:type`` triple of every targeted class;
- the triples of each batch of focus nodes come from one query (no graph names decoded), and
  are handed to ``shacl_model.Data`` before the checks ask for them.

The checks themselves are ``kg.store.shacl_core``'s, so verdicts stay those of pyshacl (the
tests compare them). Stores this path cannot read directly (a remote store, or one with a load
running beside it) are validated as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyoxigraph as ox
import rdflib

from kg.store import shacl_core, validation
from kg.store.base import STAGING_PREFIX, GraphStore
from kg.store.overlay import TripleView, visible_graphs
from kg.store.shacl_model import RDF_TYPE
from kg.store.validation import Violation

#: Focus nodes checked per batch (and read per query), between progress reports.
BATCH = 5_000


def validate_store(
    store: GraphStore, shapes: rdflib.Graph, progress: Callable[[int, int], None] | None = None
) -> list[Violation]:
    """Every result (violations and warnings) of the whole store: with the compiled shapes on
    an embedded store, in batches of focus nodes with progress reports; otherwise pyshacl on a
    copy of the store, as before."""
    compiled = shacl_core.compile_shapes(shapes)
    raw = getattr(store, "_store", None)
    if compiled is None or raw is None:
        return validation.validate(validation.store_as_rdflib(store), shapes)
    view = TripleView(raw, visible_graphs)
    direct = not _staging(raw)  # a load beside us: its staging graphs must stay unseen
    data = shacl_core.Data(view.match, raw if direct else None)
    focus = list(_focus_nodes(compiled, data, raw) if direct else compiled.focus_nodes(data))
    found: list[Violation] = []
    last = 0.0
    for start in range(0, len(focus), BATCH):
        batch = focus[start : start + BATCH]
        if direct:
            _prefetch(raw, data, batch)
        # no data.forget() between batches: every batch reads the same neighbours (a hub place
        # with thousands of inferred triples was read again per batch: 88 s at 1 M quads), and
        # Data bounds its cache itself (Data.CACHE nodes)
        found.extend(compiled.validate(data, batch))
        done = min(start + BATCH, len(focus))
        if progress is not None and (time.monotonic() - last > 1 or done == len(focus)):
            progress(done, len(focus))
            last = time.monotonic()
    if progress is not None and not focus:
        progress(0, 0)
    found.sort(key=lambda v: (v.severity != "Violation", v.focus, v.path or "", v.message))
    return found


def _focus_nodes(
    compiled: shacl_core.Compiled, data: shacl_core.Data, raw: ox.Store
) -> Iterator[Any]:
    """What ``Compiled.focus_nodes`` yields (as a set), from one query per kind of target."""
    classes: set[Any] = set()
    for shape in compiled.shapes:
        targets = compiled.targets[id(shape)]
        if any(targets[1:]):  # node, subjects-of or objects-of targets: the general reader
            yield from compiled.focus_nodes(data)
            return
        for c in targets[0]:
            classes |= data.subclasses(c)
    if not classes:
        return
    text = (
        "SELECT DISTINCT ?s WHERE { VALUES ?c { "
        + " ".join(str(c) for c in classes)
        + f" }} ?s {RDF_TYPE} ?c }}"
    )
    for row in raw.query(text, use_default_graph_as_union=True):  # type: ignore[union-attr]
        yield row[0]


def _prefetch(raw: ox.Store, data: shacl_core.Data, nodes: Iterable[Any]) -> None:
    """Hand ``data`` every triple of ``nodes`` (all graphs), read by one query. Measured at
    1.07 M quads, fetching more ahead (the blank derivations and the places the batch points
    to, or only the predicates the shapes read) cost more than it saved: what the checks ask
    for beyond the focus nodes is read when asked (``Data.objects``) and mostly cached."""
    names = [n for n in nodes if type(n) is ox.NamedNode]  # blank focus nodes: read when asked
    if not names:
        return
    listed = " ".join(str(n) for n in names)
    for node, pairs in _read(raw, names, f"VALUES ?s {{ {listed} }} ?s ?p ?o").items():
        data.remember(node, pairs)


def _read(raw: ox.Store, nodes: Iterable[Any], where: str) -> dict[Any, list[tuple[Any, Any]]]:
    """``?s``'s (predicate, object) pairs matching ``where`` (every graph), for each ``?s``
    (``nodes`` are listed even when nothing matches: they have no triple)."""
    found: dict[Any, list[tuple[Any, Any]]] = {n: [] for n in nodes}
    text = f"SELECT ?s ?p ?o WHERE {{ {where} }}"
    for row in raw.query(text, use_default_graph_as_union=True):  # type: ignore[union-attr]
        pairs = found.get(row[0])
        if pairs is None:
            pairs = found[row[0]] = []
        pairs.append((row[1], row[2]))
    return found


def _staging(raw: ox.Store) -> bool:
    """Whether a load is running (a read-only validation beside it must not read its graphs)."""
    return any(
        type(g) is ox.NamedNode and g.value.startswith(STAGING_PREFIX) for g in raw.named_graphs()
    )
