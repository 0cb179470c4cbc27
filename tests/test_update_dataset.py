"""using-graph-uri / using-named-graph-uri become USING clauses at the right places only."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.web.update_dataset import DatasetError, with_protocol_dataset

G1, G2 = "http://example.org/g1", "http://example.org/g2"
EX = "http://example.org/"


def store_with_two_graphs() -> ox.Store:
    store = ox.Store()
    g1 = f"GRAPH <{G1}> {{ <{EX}a> <{EX}p> 1 }}"
    g2 = f"GRAPH <{G2}> {{ <{EX}b> <{EX}p> 2 }}"
    store.update(f"INSERT DATA {{ {g1} {g2} }}")
    return store


def count(store: ox.Store, graph: str) -> int:
    return len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))


def test_delete_where_shorthand_sees_only_the_using_named_graphs() -> None:
    store = store_with_two_graphs()
    text = with_protocol_dataset("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", [], [G1])
    store.update(text)
    assert (count(store, G1), count(store, G2)) == (0, 1)


def test_insert_where_sees_only_the_using_graphs() -> None:
    store = store_with_two_graphs()
    text = f"INSERT {{ GRAPH <{EX}out> {{ ?s a <{EX}Seen> }} }} WHERE {{ ?s <{EX}p> ?o }}"
    store.update(with_protocol_dataset(text, [G2], []))
    seen = {
        q.subject.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(EX + "out"))
    }
    assert seen == {EX + "b"}


def test_keywords_in_literals_comments_and_nested_groups_are_left_alone() -> None:
    text = (
        "# WHERE USING WITH in a comment\n"
        f'INSERT {{ <{EX}x> <{EX}says> "WITH USING WHERE" }} '
        f"WHERE {{ {{ SELECT ?s WHERE {{ ?s ?p ?o }} }} }}"
    )
    out = with_protocol_dataset(text, [G1], [G2])
    assert out.count("USING <http://example.org/g1> USING NAMED <http://example.org/g2>") == 1
    assert '"WITH USING WHERE"' in out and "# WHERE USING WITH in a comment" in out
    ox.Store().update(out)  # still valid SPARQL


@pytest.mark.parametrize("clause", [f"WITH <{G1}>", f"USING <{G1}>", f"USING NAMED <{G1}>"])
def test_a_dataset_in_the_text_and_in_the_request_conflict(clause: str) -> None:
    body = "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    if clause.startswith("WITH"):
        text = f"{clause} {body}"
    else:
        text = body.replace("WHERE", f"{clause} WHERE")
    with pytest.raises(DatasetError, match="one way only"):
        with_protocol_dataset(text, [], [G2])


def test_relative_graph_iris_are_refused() -> None:
    with pytest.raises(DatasetError, match="absolute IRI"):
        with_protocol_dataset("CLEAR ALL", ["g1"], [])


def test_without_a_protocol_dataset_the_text_is_unchanged() -> None:
    text = f"WITH <{G1}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}"
    assert with_protocol_dataset(text, [], []) is text
