"""The curated fact files (graph_data/facts/*.yaml) and `kg build`.

What a curator relies on: the bundled Turtle is exactly what the YAML says (so editing YAML and
running `kg build` is the whole job), and a wrong fact is refused with the file and line to fix,
without touching the bundled data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from _data_store import REPO
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg.cli.commands import cli
from kg.config import Config
from kg.curation import curated_build
from kg.curation.curated import CurationError
from kg.curation.curated_schema import PREFIXES

FACTS = REPO / "graph_data" / "facts"


@pytest.fixture(scope="module")
def built() -> curated_build.Built:
    return curated_build.build(REPO)


def test_every_article_text_has_a_curated_fact_file():
    texts = sorted(p.name for p in (REPO / "graph_data" / "sources").glob("*.txt"))
    files = sorted(p.read_text(encoding="utf-8") for p in FACTS.glob("*.yaml"))
    assert len(texts) == 5
    for name in texts:
        assert sum(f"file: {name}" in f for f in files) == 1, name


def test_committed_turtle_is_what_the_curated_files_build(built):
    assert sorted(p.name for p in built.outputs) == [f"seed-00{i}.ttl" for i in range(5)]
    assert curated_build.stale(built) == [], "run `kg build` after editing graph_data/facts"


def test_built_graph_has_the_same_facts_as_the_bundled_turtle(built):
    for path, text in built.outputs.items():
        new = rdflib.Graph().parse(data=text, format="turtle", publicID="http://x/")
        old = rdflib.Graph().parse(path, format="turtle", publicID="http://x/")
        assert len(new) > 100 and isomorphic(new, old), path.name
    # facts per article as curated (pairings, parks, agreements, figures ...)
    assert len(built.where) == 155


def test_built_fact_knows_its_curated_line(built):
    where = built.where["http://127.0.0.1:8000/id/pairing/nanjing-huaian"]
    file, line = where.rsplit(":", 1)
    assert file == "graph_data/facts/seed-000.yaml"
    text = (REPO / file).read_text(encoding="utf-8").splitlines()
    assert text[int(line) - 1] == "- id: pairing:nanjing-huaian"


# --- refusals, each at file:line -------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of ontology/ and graph_data/ a test may break."""
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    shutil.copytree(REPO / "graph_data", tmp_path / "graph_data")
    return tmp_path


def _edit(project: Path, old: str, new: str, name: str = "seed-000.yaml") -> int:
    """Replace the first `old` in a fact file; return the 1-based line of the change."""
    path = project / "graph_data" / "facts" / name
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def _problems(project: Path) -> list[str]:
    with pytest.raises(CurationError) as err:
        curated_build.build(project)
    return err.value.problems


def test_unknown_place_is_refused_at_its_line(project):
    line = _edit(project, "{assisted: 'place:huaian'}", "{assisted: 'place:atlantis'}")
    assert _problems(project) == [
        f"graph_data/facts/seed-000.yaml:{line}: unknown place place:atlantis "
        "(not in graph_data/ nor in any fact file)"
    ]


def test_quote_not_in_the_article_is_refused_at_its_line(project):
    line = _edit(project, "  - from: 市级层面,南京与淮安", "  - from: 市级层面,南京与上海")
    problems = _problems(project)
    assert len(problems) == 1
    where = f"graph_data/facts/seed-000.yaml:{line}"
    assert problems[0].startswith(f"{where}: quote not found verbatim")


def test_unknown_field_and_kind_are_refused(project):
    line = _edit(project, "  kind: Pairing\n", "  kind: Friendship\n  colour: red\n")
    problems = _problems(project)
    where = f"graph_data/facts/seed-000.yaml:{line}"
    assert problems[0].startswith(f"{where}: unknown kind 'Friendship'")
    assert f"graph_data/facts/seed-000.yaml:{line + 1}: unknown field 'colour'" in problems[1]


def test_shape_violation_is_reported_at_the_fact_and_nothing_is_written(project):
    line = _edit(project, "  status: Established\n", "  status: CityLevel\n")
    before = (project / "graph_data" / "seed-000.ttl").read_bytes()
    # the term exists, so only the SHACL shapes (status in Established/Planned) can catch it
    result = CliRunner().invoke(cli, ["build", "--root", str(project)])
    assert result.exit_code == 1
    assert "SHACL violation" in result.output
    fact_line = (
        (project / "graph_data/facts/seed-000.yaml").read_text(encoding="utf-8")[:].splitlines()
    )
    start = max(i for i in range(line) if fact_line[i].startswith("- id: ")) + 1
    assert f"graph_data/facts/seed-000.yaml:{start}: Violation" in result.output
    assert "yrd:status" in result.output or "status" in result.output
    assert (project / "graph_data" / "seed-000.ttl").read_bytes() == before


def test_a_new_article_builds_with_its_source_entity(project):
    sources = project / "graph_data" / "sources"
    (sources / "900_test.txt").write_text(
        "宁波与上海签署合作协议。双方共建产业园。\n", encoding="utf-8"
    )
    (project / "graph_data" / "facts" / "article-900.yaml").write_text(
        """article:
  source: source:s900
  file: 900_test.txt
  script: zh-Hans
  title: 宁波上海合作
  date: 2024-03-01
  publisher: 测试
facts:
- id: agreement:test-ningbo-shanghai
  kind: Agreement
  label: {zh-Hans: 宁波—上海合作协议, en: Ningbo–Shanghai agreement}
  parties: [place:ningbo, place:shanghai]
  quotes: [宁波与上海签署合作协议。]
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--root", str(project), "--no-shacl"])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(
        project / "graph_data" / "article-900.ttl", format="turtle", publicID="http://x/"
    )
    q = graph.query(
        """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX yrd: <http://x/ontology#>
        SELECT ?title ?quote WHERE {
          ?r prov:qualifiedDerivation [ prov:entity ?s ; yrd:quote ?quote ] .
                                     ?s dcterms:title ?title ; yrd:seedFile "900_test.txt" }"""
    )
    assert [(str(t), str(q_)) for t, q_ in q] == [("宁波上海合作", "宁波与上海签署合作协议。")]


def test_cli_check_passes_on_the_bundled_data():
    result = CliRunner().invoke(cli, ["build", "--check", "--no-shacl", "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "up to date: 5 file(s), 155 facts" in result.output


def test_every_quote_is_found_in_its_bundled_article_text():
    """What `kg validate --sources` checks, on the bundled data; and that it can fail."""
    import pyoxigraph as ox
    from _data_store import LocalStore

    from kg.config import Config
    from kg.graph.source_text import check_quotes

    store = LocalStore()
    checked, problems = check_quotes(store, Config().data_dirs)
    assert checked >= 180 and problems == []
    prov = "http://www.w3.org/ns/prov#"
    d = ox.BlankNode()
    for s, p, o in [
        (
            ox.NamedNode("http://127.0.0.1:8000/id/pairing/x"),
            ox.NamedNode(prov + "qualifiedDerivation"),
            d,
        ),
        (d, ox.NamedNode(prov + "entity"), ox.NamedNode("http://127.0.0.1:8000/id/source/s000")),
        (d, ox.NamedNode("http://127.0.0.1:8000/ontology#quote"), ox.Literal("南京与上海结对")),
    ]:
        store.store.add(ox.Quad(s, p, o))
    _, problems = check_quotes(store, Config().data_dirs)
    assert problems == [
        "<http://127.0.0.1:8000/id/pairing/x>: quote not in "
        "<http://127.0.0.1:8000/id/source/s000>: 南京与上海结对…"
    ]


def test_the_service_and_the_curated_files_declare_prefixes_from_one_table():
    """Each shared prefix names the same namespace (absolute under the service's base IRI);
    only ``wd:`` (curated Wikidata links) and ``void:``/``sd:`` (service descriptions) differ."""
    base = "http://example.org/kg/"
    service = Config(base_iri=base).prefixes()
    for prefix, namespace in PREFIXES.items():
        if prefix in service:
            assert service[prefix] == (namespace if "://" in namespace else base + namespace)
    assert set(PREFIXES) ^ set(service) == {"wd", "void", "sd"}
    # the curated files declare them in the table's order (the committed Turtle is compared
    # byte for byte with what the build writes: test_committed_turtle_is_what_…)
    assert list(PREFIXES) == [p for p in service if p in PREFIXES] + ["wd"]
