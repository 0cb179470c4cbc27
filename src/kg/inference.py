"""Materialise the inferences users expect from plain SPARQL into one ``inferred`` graph.

The rules are SPARQL CONSTRUCT files kept next to the ontology (``ontology/inference/*.rq``), so
the people who change the ontology change its entailments in the same place, and any SPARQL
engine can run them: no reasoner dependency, and queries work with or without the graph.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .store import STAGING_PREFIX, GraphStore

MAX_ROUNDS = 20


def rule_files(config_dirs: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for folder in config_dirs:
        files.extend(sorted((folder / "inference").glob("*.rq")))
    return files


def materialise(store: GraphStore, rules: list[Path]) -> int:
    """Recompute the inferred graph to a fixpoint; returns its size.

    Runs against the data graphs plus a staging graph that grows each round, then swaps the
    staging graph in with one update so readers never see a half-computed closure.
    """
    inferred = store.config.inferred_graph
    staging = STAGING_PREFIX + "inferred"
    store.update(f"DROP SILENT GRAPH <{staging}>")
    data_graphs = [g for g in store.named_graphs() if g != inferred]
    texts = [(rule, rule.read_text(encoding="utf-8")) for rule in rules]
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
