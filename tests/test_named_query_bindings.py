"""Binding strategies of named queries: substitution, ``VALUES`` and terms written into the text
return the same rows for every named query, and writing terms in can never change a query's
shape (kg.store.named_queries, kg.store.sparql_text)."""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest

from kg.config import PROJECT_ROOT, Config
from kg.store.base import QueryError
from kg.store.named_queries import BINDINGS, load_named_queries, parse_named_query
from kg.store.sparql_text import inline_terms

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
from bindings import rows_of  # noqa: E402 - the benchmark's comparison, the same rows

QUERIES = load_named_queries(PROJECT_ROOT / "queries")
WITH_PARAMS = sorted(name for name, q in QUERIES.items() if q.parameters)
IRI = "http://example.org/x"


def parameter_values(store, query) -> list[dict[str, str]]:
    """The defaults, plus other values of the same kind found in the data: other resources
    of the default IRI's type, other years."""
    base = store.config.base_iri
    sets = [{p.name: p.default or "" for p in query.parameters}]
    for p in query.parameters:
        others: list[str] = []
        if p.type in ("iri", "place") and p.default:
            default = ox.NamedNode(base + p.default)
            rows = store.select(f"SELECT DISTINCT ?x WHERE {{ {default} a ?t . ?x a ?t }} LIMIT 4")
            others = [r["x"].value for r in rows if r["x"].value != base + p.default][:2]
        elif p.type == "year":
            others = ["2016", "2023"]
        for value in others:
            sets.append({**sets[0], p.name: value})
    return sets


def run(store, text: str, subs) -> list[tuple[str, ...]]:
    return sorted(rows_of(store.query(text, substitutions=subs), text))


@pytest.mark.parametrize("name", WITH_PARAMS)
def test_every_binding_strategy_returns_the_same_rows(bundled_store, name):
    query = QUERIES[name]
    for given in parameter_values(bundled_store, query):
        bindings = query.bindings(given, bundled_store.config.base_iri)
        answers = {}
        for strategy in BINDINGS:
            text, subs = query.prepare(bindings, strategy)
            answers[strategy] = run(bundled_store, text, subs)
        reference = answers["substitution"]
        for strategy, rows in answers.items():
            assert rows == reference, f"{name} {given}: {strategy} differs from substitution"


def test_default_parameters_of_every_query_give_rows_with_its_own_strategy(bundled_store):
    """The strategies are compared on real answers, not on empty ones."""
    empty = []
    for name in WITH_PARAMS:
        query = QUERIES[name]
        text, subs = query.prepare(query.bindings({}, bundled_store.config.base_iri))
        if not run(bundled_store, text, subs):
            empty.append(name)
    assert not empty, f"no rows with the default parameters: {empty}"


def test_inline_writes_terms_in_the_form_each_place_needs():
    text = (
        "SELECT ?p ?x (COUNT(?y) AS ?n) WHERE { ?x <urn:q> ?p . "
        "FILTER(?y != ?p) BIND(STR(?p) AS ?s) } GROUP BY ?p ?x ORDER BY DESC(?p)"
    )
    out = inline_terms(text, {"p": ox.NamedNode(IRI)})
    assert out == (
        f"SELECT (<{IRI}> AS ?p) ?x (COUNT(?y) AS ?n) WHERE {{ ?x <urn:q> <{IRI}> . "
        f"FILTER(?y != (<{IRI}>)) BIND(STR((<{IRI}>)) AS ?s) }} "
        f"GROUP BY (<{IRI}>) ?x ORDER BY DESC((<{IRI}>))"
    )


def test_inline_leaves_strings_iris_and_comments_alone():
    text = 'SELECT ?p WHERE { # ?p\n ?s <urn:a?p> "?p" , ?p }'
    out = inline_terms(text, {"p": ox.Literal("v")})
    assert out == 'SELECT ("v" AS ?p) WHERE { # ?p\n ?s <urn:a?p> "?p" , "v" }'


@pytest.mark.parametrize(
    "hostile", ['" } UNION { ?s ?p ?o } #', "'''\n}", "\\", "?v } DROP ALL {", '"\n#{']
)
def test_a_hostile_string_written_in_stays_one_literal(hostile):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(hostile)))
    store.add(ox.Quad(ox.NamedNode("urn:t"), ox.NamedNode("urn:p"), ox.Literal("other")))
    out = inline_terms("SELECT ?s ?v WHERE { ?s ?p ?v }", {"v": ox.Literal(hostile)})
    rows = [(r["s"], r["v"]) for r in store.query(out)]
    assert rows == [(ox.NamedNode("urn:s"), ox.Literal(hostile))]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("SELECT * WHERE { ?s ?p ?v }", "SELECT \\*"),
        ("SELECT ?v WHERE { BIND(1 AS ?v) }", "assigned"),
        ("SELECT ?v WHERE { VALUES ?v { 1 } }", "VALUES"),
        ("SELECT ?v WHERE { { SELECT ?v WHERE { ?s ?p ?v } } }", "sub-select"),
    ],
)
def test_inline_refuses_what_cannot_become_a_constant(text, reason):
    with pytest.raises(QueryError, match=reason):
        inline_terms(text, {"v": ox.Literal("x")})


def test_inline_writes_in_beside_a_sub_select_that_does_not_mention_the_variable():
    """A sub-select has its own variables; one that never names ?v does not stop ?v being
    written in elsewhere (relations-in-year finds its dates in sub-selects), and the rows are
    those of a substitution."""
    store = ox.Store()
    for s, year in (("urn:a", "2019"), ("urn:b", "2020")):
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode("urn:year"), ox.Literal(year)))
    text = "SELECT ?v ?s WHERE { { SELECT ?s ?y WHERE { ?s <urn:year> ?y } } FILTER (?y = ?v) }"
    out = inline_terms(text, {"v": ox.Literal("2020")})
    assert "SELECT ?s ?y" in out and '("2020" AS ?v)' in out
    rows = [(r["v"], r["s"]) for r in store.query(out)]
    subs = {ox.Variable("v"): ox.Literal("2020")}
    assert rows == [(r["v"], r["s"]) for r in store.query(text, substitutions=subs)]
    assert rows == [(ox.Literal("2020"), ox.NamedNode("urn:b"))]


def test_blank_nodes_are_never_written_in():
    with pytest.raises(QueryError, match="only IRIs and literals"):
        inline_terms("SELECT ?v WHERE { ?s ?p ?v }", {"v": ox.BlankNode()})


def test_binding_header_is_read_and_checked_when_the_query_is_loaded():
    head = "# param: v string = a\n"
    query = parse_named_query("q", head + "# binding: values\nSELECT ?v WHERE { ?s ?p ?v }")
    assert query.binding == "values" and query.describe()["binding"] == "values"
    assert parse_named_query("q", head + "SELECT ?v { ?s ?p ?v }").binding == "substitution"
    with pytest.raises(ValueError, match="q.rq: bad binding line"):
        parse_named_query("q", head + "# binding: fastest\nSELECT ?v { ?s ?p ?v }")
    with pytest.raises(ValueError, match="q.rq: binding inline does not fit"):
        parse_named_query("q", head + "# binding: inline\nSELECT * { ?s ?p ?v }")
    assert parse_named_query("q", head + "SELECT ?v { ?s ?p ?v }").order == "worker"
    engine = parse_named_query("q", head + "# order: engine\nSELECT ?v { ?s ?p ?v }")
    assert engine.order == "engine" and engine.describe()["order"] == "engine"
    with pytest.raises(ValueError, match="q.rq: bad order line"):
        parse_named_query("q", head + "# order: python\nSELECT ?v { ?s ?p ?v }")


def test_the_cli_runs_a_named_query_with_its_strategy(tmp_path):
    """``kg query -n`` goes through the same ``prepare`` as ``/queries/<name>``."""
    from click.testing import CliRunner

    from kg.cli.commands import cli

    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "labels.rq").write_text(
        "# param: s iri = urn:a\n# binding: inline\nSELECT ?s ?o WHERE { ?s <urn:p> ?o }\n",
        encoding="utf-8",
    )
    data = tmp_path / "d.nt"
    data.write_text('<urn:a> <urn:p> "A" .\n<urn:b> <urn:p> "B" .\n', encoding="utf-8")
    store = tmp_path / "store"
    env = {"KG_QUERIES_DIR": str(folder)}
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", "--no-validate", "--store", str(store), str(data)])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(
        cli,
        ["query", "--store", str(store), "-n", "labels", "-p", "s=urn:b", "--format", "csv"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["urn:b,B"]


def test_config_default_is_the_bundled_queries_folder():
    assert Config().queries_dir == PROJECT_ROOT / "queries"
