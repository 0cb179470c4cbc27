"""The delta of a SPARQL update, operation by operation (see ``kg.store.delta`` for why).

Data blocks are parsed by pyoxigraph directly (the common, fast case). Anything else is parsed
with rdflib's SPARQL grammar for its structure (templates, ``WITH``, ``USING``, graph names);
the ``WHERE`` group's own text is cut from the update and run by pyoxigraph on the live store,
over the dataset the update would see (the store's default graph and all named graphs, or the
``USING`` / ``WITH`` graphs).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from kg.store.delta import (
    Delta,
    Operation,
    PendingDelta,
    Unsupported,
    _prologue,
    canonical,
    data_block,
    fresh_blank_nodes,
    parse_quad_data,
    split_operations,
)


def update_delta(raw: ox.Store, sparql: str, base_iri: str, prefixes: dict[str, str]) -> Delta:
    """Exact quads the update would add and remove; ``Unsupported`` if that cannot be told."""
    ops = split_operations(sparql)
    pending = PendingDelta(raw)
    prologue = ""
    blocks = [data_block(op) for op in ops]
    if all(blocks):
        for verb, head, block in blocks:  # type: ignore[misc]
            prologue += head
            quads = parse_quad_data(block, prologue, base_iri, prefixes)
            if verb == "INSERT":
                pending.insert(canonical(fresh_blank_nodes(quads)), fresh=True)
            else:
                if any(
                    type(q.subject) is ox.BlankNode or type(q.object) is ox.BlankNode for q in quads
                ):
                    raise Unsupported  # not allowed; the engine reports it
                pending.delete(canonical(quads))
        return _done(pending)
    return _general(raw, sparql, ops, pending, base_iri, prefixes)


def _done(pending: PendingDelta) -> Delta:
    return Delta(set(pending.added), set(pending.removed))


def _general(
    raw: ox.Store,
    sparql: str,
    ops: list[Operation],
    pending: PendingDelta,
    base_iri: str,
    prefixes: dict[str, str],
) -> Delta:
    if len(sparql) > 1_000_000:
        raise Unsupported
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = translateUpdate(parseUpdate(sparql), base=base_iri, initNs=prefixes)
    except Exception:  # noqa: BLE001 - rdflib's grammar is not ours; the engine decides
        raise Unsupported from None
    algebra = list(parsed.algebra)
    if len(algebra) != len(ops):
        raise Unsupported
    prologue = ""
    for op, text in zip(algebra, ops, strict=True):
        head, _rest = _prologue(text)
        prologue += head
        name = op.name
        if name == "InsertData":
            pending.insert(canonical(fresh_blank_nodes(_ground(op, None))), fresh=True)
        elif name == "DeleteData":
            pending.delete(canonical(_ground(op, None)))
        elif name in ("Modify", "DeleteWhere"):
            if len(pending):
                raise Unsupported  # its WHERE would have to see the earlier operations
            _modify(raw, op, text, prologue, pending, base_iri, prefixes)
        elif name in ("Clear", "Drop"):
            pending.delete(pending.graph_quads(_graph_ref(op.graphiri)))
        elif name in ("Add", "Copy", "Move"):
            source, target = (_graph_ref(g) for g in op.graph)
            if source == target:
                continue
            quads = pending.graph_quads(source)
            if name != "Add":
                pending.delete(pending.graph_quads(target))
            pending.insert(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
            if name == "Move":
                pending.delete(quads)
        elif name != "Create":
            raise Unsupported  # LOAD, or something newer than this code
    return _done(pending)


def _graph_ref(ref: Any) -> ox.NamedNode | ox.DefaultGraph:
    from rdflib import URIRef

    if isinstance(ref, str) and ref == "DEFAULT":
        return ox.DefaultGraph()
    if isinstance(ref, URIRef):
        return ox.NamedNode(str(ref))
    raise Unsupported  # NAMED, ALL: every graph


def _to_ox(term: Any, solution: Any, bnodes: dict[str, ox.BlankNode] | None) -> Any:
    """An rdflib template term as a pyoxigraph term (None: an unbound variable)."""
    from rdflib import BNode, Literal, URIRef, Variable

    if isinstance(term, Variable):
        return None if solution is None else solution[str(term)]
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        if bnodes is None:
            raise Unsupported  # a blank node in a delete template matches nothing
        node = bnodes.get(str(term))
        if node is None:
            node = bnodes[str(term)] = ox.BlankNode()
        return node
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise Unsupported  # a quoted triple, a path


def _template(clause: Any, default: Any) -> Iterator[tuple[Any, Any, Any, Any]]:
    """(s, p, o, graph) of a template or data block; ``graph`` rdflib's, or ``default``."""
    for s, p, o in clause.triples or []:
        yield s, p, o, default
    for graph, triples in (clause.quads or {}).items():
        for s, p, o in triples:
            yield s, p, o, graph


def _graph_term(graph: Any, solution: Any) -> Any:
    from rdflib import URIRef, Variable

    if graph is None:
        return ox.DefaultGraph()
    if isinstance(graph, ox.NamedNode | ox.DefaultGraph):
        return graph
    if isinstance(graph, URIRef):
        return ox.NamedNode(str(graph))
    if isinstance(graph, Variable):
        value = None if solution is None else solution[str(graph)]
        return value if type(value) is ox.NamedNode else None
    return None


def _instantiate(clause: Any, solution: Any, default: Any, *, insert: bool) -> Iterator[ox.Quad]:
    """The template's quads for one solution; triples with an unbound or ill-placed term are
    skipped, as SPARQL says."""
    bnodes: dict[str, ox.BlankNode] | None = {} if insert else None
    for s, p, o, g in _template(clause, default):
        s2, p2, o2 = (_to_ox(t, solution, bnodes) for t in (s, p, o))
        g2 = _graph_term(g, solution)
        if s2 is None or p2 is None or o2 is None or g2 is None:
            continue
        if type(s2) is ox.Literal or type(p2) is not ox.NamedNode:
            continue
        yield ox.Quad(s2, p2, o2, g2)


def _ground(op: Any, default: Any) -> list[ox.Quad]:
    return list(_instantiate(op, None, default, insert=True))


def _modify(
    raw: ox.Store,
    op: Any,
    text: Operation,
    prologue: str,
    pending: PendingDelta,
    base_iri: str,
    prefixes: dict[str, str],
) -> None:
    """``DELETE/INSERT … WHERE`` and ``DELETE WHERE``: the WHERE on the live store, templates
    instantiated per solution (deletes first, as the update applies them)."""
    if not text.groups:
        raise Unsupported
    opened, closed = text.groups[-1]  # the WHERE group is the operation's last group
    where = text.text[opened : closed + 1]
    with_graph = None
    kwargs: dict[str, Any] = {"base_iri": base_iri, "prefixes": prefixes}
    if op.name == "Modify":
        from rdflib import URIRef

        if op.withClause is not None:
            if not isinstance(op.withClause, URIRef):
                raise Unsupported
            with_graph = ox.NamedNode(str(op.withClause))
        using = list(op.using or [])
        if using:
            kwargs["default_graph"] = [
                ox.NamedNode(str(u["default"])) for u in using if "default" in u
            ]
            kwargs["named_graphs"] = [ox.NamedNode(str(u["named"])) for u in using if "named" in u]
        elif with_graph is not None:
            kwargs["default_graph"] = [with_graph]
        delete, insert = op.delete, op.insert
    else:
        delete, insert = op, None
    try:
        solutions = list(raw.query(f"{prologue}\nSELECT * WHERE {where}", **kwargs))
    except (SyntaxError, ValueError):
        raise Unsupported from None
    default = with_graph if with_graph is not None else ox.DefaultGraph()
    removed: list[ox.Quad] = []
    added: list[ox.Quad] = []
    for solution in solutions:
        if delete:
            removed.extend(_instantiate(delete, solution, default, insert=False))
        if insert:
            added.extend(_instantiate(insert, solution, default, insert=True))
    pending.delete(canonical(removed))
    pending.insert(canonical(added), fresh=False)
