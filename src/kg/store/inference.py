"""Materialise the inferences users expect from plain SPARQL into one ``inferred`` graph.

The rules are SPARQL CONSTRUCT files kept next to the ontology (``ontology/inference/*.rq``), so
the people who change the ontology change its entailments in the same place, and any SPARQL
engine can run them: no reasoner dependency, and queries work with or without the graph.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from kg.store.base import STAGING_PREFIX, GraphStore, QueryError
from kg.store.embedded import OxigraphStore
from kg.store.inference_closure import parse_filter as parse_filter
from kg.store.inference_native import ATOMIC_LIMIT, _data_block, _materialise_native
from kg.store.inference_native import InferredChange as InferredChange
from kg.store.inference_native import ParsedFacts as ParsedFacts
from kg.store.inference_native import Speculation as Speculation
from kg.store.inference_rules import Rule as Rule
from kg.store.inference_rules import compile_rules as compile_rules

MAX_ROUNDS = 20


def rule_files(config_dirs: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for folder in config_dirs:
        files.extend(sorted((folder / "inference").glob("*.rq")))
    return files


def materialise(
    store: GraphStore,
    rules: list[Path],
    *,
    known: Mapping[str, ParsedFacts] | None = None,
    native: bool = True,
    changes: list[InferredChange] | None = None,
) -> int:
    """Recompute the inferred graph to a fixpoint; returns its size.

    The inferred graph is always Cl(data) minus data: every triple the rules derive from the
    union of the data graphs that is not itself data. With the bundled rules on pyoxigraph, the
    native engine below computes it (``known``: rule-relevant triples of graphs just loaded,
    parsed from their files, so they need not be read back from disk); otherwise the rules run as
    SPARQL against the data graphs plus a staging graph that grows each round, then the staging
    graph is swapped in with one update so readers never see a half-computed closure.
    ``native=False`` forces the SPARQL path (the tests compare the two). ``changes``: the native
    engine appends the inferred graph's difference (added, removed) to it, which is what
    validating a load needs to know (nothing appended: the difference is unknown).
    """
    inferred = store.config.inferred_graph
    staging = STAGING_PREFIX + "inferred"
    data_graphs = [g for g in store.named_graphs() if g != inferred]
    texts = [(rule, rule.read_text(encoding="utf-8")) for rule in rules]
    if native and isinstance(store, OxigraphStore) and texts:
        compiled = compile_rules(texts, store)
        if compiled is not None:
            return _materialise_native(store, compiled, data_graphs, inferred, known or {}, changes)
    store.update(f"DROP SILENT GRAPH <{staging}>")
    if isinstance(store, OxigraphStore) and texts:
        try:
            size = _materialise_fast(store, texts, data_graphs, staging, inferred)
        except QueryError:  # a rule the rewrite got wrong: the general path says why
            store.update(f"DROP SILENT GRAPH <{staging}>")
        else:
            if size is not None:
                return size
    seen: set[ox.Triple] = set()
    for _ in range(MAX_ROUNDS):
        new: list[ox.Triple] = []
        for _rule, text in texts:
            for triple in store.query(text, default_graphs=[*data_graphs, staging]):
                if triple not in seen:
                    seen.add(triple)
                    new.append(triple)
        if not new:
            break
        _insert(store, staging, new)
    store.update(f"DROP SILENT GRAPH <{inferred}> ; MOVE SILENT GRAPH <{staging}> TO <{inferred}>")
    return len(seen)


def _insert(store: GraphStore, graph: str, triples: list[ox.Triple]) -> None:
    for start in range(0, len(triples), 5000):
        chunk = triples[start : start + 5000]
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in chunk)
        store.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")


def _materialise_fast(
    store: OxigraphStore,
    texts: list[tuple[Path, str]],
    data_graphs: list[str],
    staging: str,
    inferred: str,
) -> int | None:
    """The fixpoint computed inside pyoxigraph, never row by row in Python; None if a rule is not
    a plain CONSTRUCT … WHERE (then the general path runs).

    In memory: the rules run as ``INSERT … WHERE`` on the store itself, then the staging graph is
    swapped in as before. On disk, where every transactional write is slow, the data graphs are
    copied (natively) into a scratch in-memory store, the fixpoint is computed there, and only
    the difference to the current inferred graph is written back."""
    on_disk = store.path is not None
    # the scratch store holds the data in its default graph and the inferences in the default
    # graph too (so rules join them) and in the staging graph (the result)
    updates = [_as_insert(text, staging, None if on_disk else data_graphs) for _, text in texts]
    if not all(updates):
        return None
    if not on_disk:
        size = _materialise_in_store(store, updates, staging)  # type: ignore[arg-type]
        swap = f"MOVE SILENT GRAPH <{staging}> TO <{inferred}>"
        store.update(f"DROP SILENT GRAPH <{inferred}> ; {swap}")
        return size
    raw = store._store  # noqa: SLF001 - our own backend
    scratch = OxigraphStore(replace(store.config, store=":memory:"))
    dump = io.BytesIO()
    for graph in data_graphs:  # native scans; duplicates across graphs merge on load
        raw.dump(dump, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    scratch._store.bulk_load(dump.getvalue(), ox.RdfFormat.N_TRIPLES)  # noqa: SLF001
    del dump
    size = _materialise_in_store(scratch, updates, staging)  # type: ignore[arg-type]
    target = ox.NamedNode(inferred)
    new = {
        q.triple for q in scratch._store.quads_for_pattern(None, None, None, ox.NamedNode(staging))
    }  # noqa: SLF001
    old = {q.triple for q in raw.quads_for_pattern(None, None, None, target)}
    added, removed = new - old, old - new
    if not raw.contains_named_graph(target) or len(added) + len(removed) > ATOMIC_LIMIT:
        raw.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in added)
        for t in removed:
            raw.remove(ox.Quad(t.subject, t.predicate, t.object, target))
        if not new:
            raw.remove_graph(target)
        store._bump()  # noqa: SLF001
    else:
        ops = []
        if removed:
            ops.append(_data_block("DELETE", inferred, removed))
        if added:
            ops.append(_data_block("INSERT", inferred, added))
        if ops:
            store.update(" ;\n".join(ops))
    return size


def _materialise_in_store(store: GraphStore, updates: list[str], staging: str) -> int:
    """The same fixpoint without pulling triples into Python: each rule runs as an
    ``INSERT … USING <data graphs> USING <staging> WHERE …`` inside the engine, until a round
    adds nothing. At a million triples this is minutes faster than CONSTRUCT + INSERT DATA."""
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"
    size = 0
    for _ in range(MAX_ROUNDS):
        for update in updates:
            store.update(update)
        rows = store.select(count)
        grown = int(rows[0]["n"].value) if rows else 0
        if grown == size:
            break
        size = grown
    return size


_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*\{", re.IGNORECASE)
_WHERE = re.compile(r"\s*(WHERE\s*)?\{", re.IGNORECASE)


def _as_insert(text: str, staging: str, data_graphs: list[str] | None) -> str | None:
    """``CONSTRUCT { T } WHERE { P }`` as ``INSERT { GRAPH <staging> { T } } USING … WHERE { P }``
    over the same dataset as the query (data graphs + staging), or None if the rule has another
    shape (short form, solution modifiers): then the general path runs it."""
    match = _CONSTRUCT.search(text)
    if match is None:
        return None
    open_at = match.end() - 1
    close_at = _matching_brace(text, open_at)
    if close_at is None:
        return None
    where = _WHERE.match(text, close_at + 1)
    if where is None:
        return None
    body_open = where.end() - 1
    body_close = _matching_brace(text, body_open)
    if body_close is None or text[body_close + 1 :].strip():
        return None  # LIMIT/ORDER BY/VALUES after the pattern: not valid in an update
    template = text[open_at + 1 : close_at]
    if data_graphs is None:  # everything in the default graph (the scratch store)
        return (
            f"{text[: match.start()]}INSERT {{ {template} GRAPH <{staging}> {{ {template} }} }}"
            f"\nWHERE {text[body_open : body_close + 1]}"
        )
    using = " ".join(f"USING <{g}>" for g in [*data_graphs, staging])
    return (
        f"{text[: match.start()]}INSERT {{ GRAPH <{staging}> {{ {template} }} }}"
        f"\n{using}\nWHERE {text[body_open : body_close + 1]}"
    )


def _matching_brace(text: str, start: int) -> int | None:
    """Index of the ``}`` closing the ``{`` at ``start``, skipping strings, IRIs and comments."""
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            end = text.find(c, i + 1)
            while end != -1 and text[end - 1] == "\\":
                end = text.find(c, end + 1)
            if end == -1:
                return None
            i = end
        elif c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i = text.index(">", i)
        elif c == "#":
            newline = text.find("\n", i)
            i = n if newline == -1 else newline
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


# ---------------------------------------------------------------------------------------------
# The native engine: the bundled rules, recognised by their text, evaluated semi-naively in Python
# over only the triples they can read. On disk, every term pyoxigraph hands to Python costs a
# RocksDB lookup (~15 µs a quad), and SPARQL over the store is no cheaper; so the triples of a
# big new file come from parsing the file (in a thread, while the bulk loader writes it) and the
# rest from index scans of the few predicates the rules use.
# ---------------------------------------------------------------------------------------------
