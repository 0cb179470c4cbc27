"""From a write's delta to what gets committed: inference changes and a targeted SHACL verdict.

``kg.store.writes.Writer`` works out a write's quads (``kg.store.delta``); this module turns them
into the changes readers will see (triples entering or leaving the union of the graphs, the data
graphs' union for the rules), the inferred graph's change (``kg.store.incremental``) and the
violations the write would introduce (``kg.store.shacl_scope`` on the affected focus nodes), all
read from the live store through ``kg.store.overlay`` views. Nothing here writes; the cost follows
the size of the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

from kg.store import incremental, shacl_core, shacl_scope, validation
from kg.store.base import STAGING_PREFIX
from kg.store.delta import Delta, Unsupported
from kg.store.inference_rules import Rule
from kg.store.overlay import Fact, FactIndex, GraphFilter, TripleView, data_graphs, visible_graphs


@dataclass
class Plan:
    delta: Delta
    inferred_added: set[Fact]
    inferred_removed: set[Fact]
    #: triples entering or leaving what queries see (the union of all graphs)
    changes: set[Fact]
    violations: list[validation.Violation]

    def inferred_ops(self, inferred: str) -> list[str]:
        """SPARQL data blocks writing the inferred graph's change (its triples have no blank
        nodes: every bundled rule asks for IRIs where a blank node could appear)."""
        ops = []
        for verb, facts in (("DELETE", self.inferred_removed), ("INSERT", self.inferred_added)):
            if facts:
                body = "\n".join(f"{s} {p} {o} ." for s, p, o in facts)
                ops.append(f"{verb} DATA {{ GRAPH <{inferred}> {{\n{body}\n}} }}")
        return ops


def _union_changes(
    raw: ox.Store, keep: GraphFilter, added: Iterable[ox.Quad], removed: set[ox.Quad]
) -> tuple[set[Fact], set[Fact]]:
    """Triples entering / leaving the union of the graphs ``keep`` selects when the quads
    change: a triple removed from one graph but still in another stays."""
    entering: set[Fact] = set()
    leaving: set[Fact] = set()
    added_facts = {(q.subject, q.predicate, q.object) for q in added if keep(q.graph_name)}
    removed_facts = {(q.subject, q.predicate, q.object) for q in removed if keep(q.graph_name)}
    for fact in added_facts | removed_facts:
        stored = [q for q in raw.quads_for_pattern(*fact, None) if keep(q.graph_name)]
        before = bool(stored)
        after = fact in added_facts or any(q not in removed for q in stored)
        if after and not before:
            entering.add(fact)
        elif before and not after:
            leaving.add(fact)
    return entering, leaving


def _blank(fact: Fact) -> bool:
    return type(fact[0]) is ox.BlankNode or type(fact[2]) is ox.BlankNode


def plan(
    raw: ox.Store,
    delta: Delta,
    rules: list[Rule],
    inferred: str,
    shapes: rdflib.Graph,
    scope: shacl_scope.ShapeScope | None,
    compiled: shacl_core.Compiled | None = None,
    schema: shacl_core.Schema | None = None,
) -> Plan:
    """Everything the write implies; ``Unsupported`` when the targeted path cannot decide."""
    for quad in (*delta.added, *delta.removed):
        graph = quad.graph_name
        if type(graph) is ox.NamedNode and (
            graph.value == inferred or graph.value.startswith(STAGING_PREFIX)
        ):
            raise Unsupported  # the inferred graph is the rules' to write
    entering, leaving = _union_changes(raw, data_graphs(inferred), delta.added, delta.removed)
    infer = incremental.update_inferences(raw, rules, inferred, entering, leaving)
    if any(_blank(f) for f in (*infer.added, *infer.removed)):
        raise Unsupported  # DELETE DATA cannot name a blank node
    target = ox.NamedNode(inferred)
    added = [*delta.added, *(ox.Quad(*f, target) for f in infer.added)]
    removed = delta.removed | {ox.Quad(*f, target) for f in infer.removed}
    seen_in, seen_out = _union_changes(raw, visible_graphs, added, removed)
    result = Plan(delta, infer.added, infer.removed, seen_in | seen_out, [])
    if scope is None or not len(shapes):
        return result
    view = TripleView(raw, visible_graphs, added=FactIndex(seen_in), removed=seen_out)
    subclass = shacl_scope.SUBCLASS
    whole = scope.whole or any(f[1] == subclass for f in result.changes)
    if compiled is not None:  # the compiled checks read the view directly
        data = shacl_core.Data(view.match, schema=None if whole else schema)
        focus_nodes = (
            compiled.focus_nodes(data)
            if whole
            else shacl_scope.affected_nodes(scope, view, result.changes)
        )
        result.violations = [
            v for v in compiled.validate(data, focus_nodes) if v.severity == "Violation"
        ]
        return result
    if whole:
        graph = validation.to_rdflib(view.match(None, None, None))  # the whole store, as after
        focus = None
    else:
        focus = shacl_scope.affected_nodes(scope, view, result.changes)
        if not focus:
            return result
        graph = validation.to_rdflib(shacl_scope.neighbourhood(scope, view, focus))
    names = None if focus is None else {n.value for n in focus}
    result.violations = [
        v
        for v in validation.validate(graph, shapes)
        if v.severity == "Violation" and (names is None or v.focus in names)
    ]
    return result
