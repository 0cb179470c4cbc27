# ruff: noqa: E501  (data tables and SPARQL/quote strings)
"""Provenance and well-formedness of the bundled ontology and data.

* every file parses with both pyoxigraph and rdflib, with relative IRIs and no @base;
* every co-operation fact (and figure) has a qualified derivation whose quote occurs verbatim in
  the seed file of its source (seeds from $KG_SEEDS_DIR or ../shared/seeds);
* checks that need the data without inference (role parties stated as yrd:party, direct parents
  only, no derived properties in graph_data/);
* the SHACL shapes conform on ontology + data + inferred.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from _data_store import BASE, PREFIXES, REPO, data_files, local_store, seeds_dir, store_for

YRD = BASE + "ontology#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GRAPH_DATA = sorted((REPO / "graph_data").glob("*.ttl"))
ALL_TTL = sorted((REPO / "ontology").glob("*.ttl")) + GRAPH_DATA


@pytest.fixture(scope="module")
def kg(request):
    return store_for(request)


@pytest.fixture(scope="module")
def data_only() -> ox.Store:
    """ontology + graph_data WITHOUT the inferred graph."""
    store = ox.Store()
    for f in data_files():
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    return store


def q(store: ox.Store, body: str):
    return list(store.query(PREFIXES + body, base_iri=BASE))


# --- syntax -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TTL, ids=lambda p: p.relative_to(REPO).as_posix())
def test_file_parses_with_pyoxigraph_and_rdflib(path: Path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^\s*@base\b|^\s*BASE\b", text, re.M | re.I), (
        "no @base: the base is supplied at load time"
    )
    for m in re.finditer(r"@prefix\s+(\w*):\s*<([^>]*)>", text):
        if m.group(1) in (
            "yrd",
            "place",
            "park",
            "pairing",
            "agreement",
            "rel",
            "org",
            "domain",
            "scheme",
            "source",
            "stat",
        ):
            assert "://" not in m.group(2), f"prefix {m.group(1)}: must be relative to the base"
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    graph = rdflib.Graph().parse(str(path), format="turtle", publicID=BASE)
    assert quads and len(graph) == len({(x.subject, x.predicate, x.object) for x in quads})
    assert all(
        not isinstance(x.subject, ox.NamedNode)
        or x.subject.value.startswith(("http://127.0.0.1:8000/", "http"))
        for x in quads
    )


@pytest.mark.parametrize(
    "path", sorted((REPO / "ontology" / "inference").glob("*.rq")), ids=lambda p: p.name
)
def test_inference_rule_files(path: Path):
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# ") and len(first) > 10, (
        "first line: a comment saying what the rule infers"
    )
    assert re.match(r"^\d\d-[a-z0-9-]+\.rq$", path.name)
    assert "CONSTRUCT" in text and "<http://127.0.0.1:8000/" not in text


# --- provenance -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    folder = seeds_dir()
    if folder is None:
        pytest.skip("seed texts not found (set KG_SEEDS_DIR or provide ../shared/seeds)")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def test_every_seed_has_a_source(kg, seeds):
    rows = kg.select(PREFIXES + "SELECT ?s ?f WHERE { ?s a yrd:Source ; yrd:seedFile ?f }")
    files = {r["f"].value for r in rows}
    assert files == set(seeds), (files, set(seeds))


def test_every_relation_and_figure_has_a_quoted_derivation(data_only):
    missing = q(
        data_only,
        """
        SELECT DISTINCT ?r WHERE {
          { ?r a ?c . ?c rdfs:subClassOf* yrd:CooperationRelation } UNION { ?r a yrd:Statistic }
          FILTER NOT EXISTS { ?r prov:qualifiedDerivation [ prov:entity ?s ; yrd:quote ?q ] . ?r prov:wasDerivedFrom ?s }
        }""",
    )
    assert not missing, [m["r"].value for m in missing]


def test_derived_from_and_qualified_derivations_match(data_only):
    bad = q(
        data_only,
        """
        SELECT DISTINCT ?r ?s WHERE {
          { ?r prov:wasDerivedFrom ?s FILTER NOT EXISTS { ?r prov:qualifiedDerivation/prov:entity ?s } }
          UNION
          { ?r prov:qualifiedDerivation/prov:entity ?s FILTER NOT EXISTS { ?r prov:wasDerivedFrom ?s } }
        }""",
    )
    assert not bad, [(b["r"].value, b["s"].value) for b in bad]


def test_quotes_are_verbatim_substrings_of_their_seed_file(data_only, seeds):
    rows = q(
        data_only,
        """
        SELECT ?r ?file ?quote WHERE {
          ?r prov:qualifiedDerivation ?d . ?d prov:entity ?s ; yrd:quote ?quote . ?s yrd:seedFile ?file }""",
    )
    assert len(rows) >= 150
    wrong = []
    for row in rows:
        text = seeds[row["file"].value]
        quote = row["quote"].value
        lang = row["quote"].language.lower()
        expected = "zh-hant" if row["file"].value[:3] in ("001", "002") else "zh-hans"
        if quote not in text or lang != expected:
            wrong.append((row["r"].value, row["file"].value, lang, quote[:40]))
    assert not wrong, wrong


def test_every_cooperation_fact_counted(data_only):
    n = q(
        data_only,
        """SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ?c . ?c rdfs:subClassOf* yrd:CooperationRelation }""",
    )
    assert int(n[0]["n"].value) >= 60


# --- data without inference ---------------------------------------------------------------------


def test_role_parties_are_stated_as_party(data_only):
    bad = q(
        data_only,
        """
        SELECT ?r ?v WHERE {
          VALUES ?role { yrd:assistingParty yrd:assistedParty yrd:originParty yrd:destinationParty }
          ?r ?role ?v . FILTER NOT EXISTS { ?r yrd:party ?v } }""",
    )
    assert not bad, [(b["r"].value, b["v"].value) for b in bad]


def test_pairings_have_exactly_two_parties_in_the_data(data_only):
    bad = q(
        data_only,
        """
        SELECT ?r (COUNT(DISTINCT ?p) AS ?n) WHERE { ?r a yrd:Pairing ; yrd:party ?p } GROUP BY ?r HAVING (COUNT(DISTINCT ?p) != 2)""",
    )
    assert not bad


def test_graph_data_states_no_derived_triples():
    derived = {YRD + p for p in ("pairedWith", "assists", "assistedBy", "memberOf")}
    for f in GRAPH_DATA:
        for quad in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=BASE):
            assert quad.predicate.value not in derived, (f.name, quad)


def test_part_of_states_only_the_direct_parent(data_only):
    bad = q(
        data_only,
        """
        SELECT ?x ?p ?g WHERE { ?x yrd:partOf ?p , ?g . ?p yrd:partOf ?g }""",
    )
    assert not bad, [(b["x"].value, b["g"].value) for b in bad]
    multi = q(
        data_only,
        """
        SELECT ?x WHERE { ?x a ?c ; yrd:partOf ?p . ?c rdfs:subClassOf* yrd:AdministrativeUnit }
        GROUP BY ?x HAVING (COUNT(DISTINCT ?p) > 1)""",
    )
    assert not multi


def test_coordinates_in_range_and_paired(data_only):
    rows = q(
        data_only,
        """
        SELECT ?x ?lat ?long WHERE { ?x a ?c . ?c rdfs:subClassOf* yrd:Place .
          OPTIONAL { ?x geo:lat ?lat } OPTIONAL { ?x geo:long ?long } FILTER (BOUND(?lat) || BOUND(?long)) }""",
    )
    assert len(rows) >= 55
    for r in rows:
        assert r["lat"] is not None and r["long"] is not None, r["x"].value
        lat, lon = float(r["lat"].value), float(r["long"].value)
        assert r["lat"].datatype.value.endswith("#decimal")
        # the seeds' places all lie in China or Korea
        assert 18 < lat < 54 and 73 < lon < 135, r["x"].value


def test_end_year_not_before_start_year(data_only):
    bad = q(
        data_only,
        """SELECT ?r WHERE { ?r yrd:start|yrd:startYear ?s ; yrd:end|yrd:endYear ?e
             FILTER (STR(?e) < STR(?s)) }""",
    )
    assert not bad


def test_labels_in_three_scripts(data_only):
    bad = q(
        data_only,
        """
        SELECT ?x WHERE {
          { ?x a ?c . ?c rdfs:subClassOf* yrd:Place } UNION { ?x a ?c . ?c rdfs:subClassOf* yrd:Organization }
          UNION { ?x a yrd:Park } UNION { ?x a yrd:Scheme } UNION { ?x a skos:Concept }
          FILTER NOT EXISTS { ?x rdfs:label ?a FILTER langMatches(lang(?a), "zh-Hans") }
          FILTER NOT EXISTS { ?x rdfs:label ?b FILTER langMatches(lang(?b), "zh-Hant") }
          FILTER NOT EXISTS { ?x rdfs:label ?e FILTER langMatches(lang(?e), "en") }
        }""",
    )
    assert not bad


# characters that exist in only one of the two scripts (a small, safe sample)
TRAD_ONLY = set(
    "產産蘇區縣寧園業發東閔鎮鹽錫連雲遷陽貴瀘慶蕪銀頭陝廣寶響興陰濱豐協議際環態輸鐵運資訊"
)
SIMP_ONLY = set("产苏区县宁园业发东闵镇盐锡连迁阳贵泸庆芜银头陕广宝响兴阴滨丰协议际环态输铁运资讯")


def test_labels_are_in_the_script_their_tag_says(data_only):
    rows = q(
        data_only,
        """
        SELECT ?x ?l WHERE { ?x rdfs:label|skos:altLabel|skos:prefLabel ?l
          FILTER (langMatches(lang(?l), "zh-Hans") || langMatches(lang(?l), "zh-Hant")) }""",
    )
    wrong = []
    for r in rows:
        text, lang = r["l"].value, r["l"].language.lower()
        bad = TRAD_ONLY if lang == "zh-hans" else SIMP_ONLY
        if set(text) & bad:
            wrong.append((r["x"].value, lang, text))
    assert not wrong, wrong[:20]


# --- SHACL ------------------------------------------------------------------------------------------


def test_shapes_conform_on_ontology_data_and_inferred():
    from pyshacl import validate

    store = local_store()
    nt = ox.serialize(store.graph_triples(), format=ox.RdfFormat.N_TRIPLES)
    data = rdflib.Graph().parse(data=nt, format="nt")
    shapes = rdflib.Graph().parse(
        str(REPO / "ontology" / "shapes.ttl"), format="turtle", publicID=BASE
    )
    conforms, _report, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text[:4000]


def test_shapes_catch_a_broken_pairing():
    """The shapes are not vacuous: a pairing with three parties and no quote is rejected."""
    from pyshacl import validate

    store = local_store()
    nt = ox.serialize(store.graph_triples(), format=ox.RdfFormat.N_TRIPLES)
    data = rdflib.Graph().parse(data=nt, format="nt")
    bad = (
        PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        + """
        pairing:broken a yrd:Pairing , yrd:CooperationRelation ; rdfs:label "x"@zh-Hans , "x"@en ;
            yrd:party place:nanjing , place:wuxi , place:suzhou ; yrd:level yrd:CityLevel ;
            yrd:scheme scheme:jiangsunanbeijiedui ; prov:wasDerivedFrom source:s000 .
        place:nowhere a yrd:PrefectureLevelCity , yrd:Place ; rdfs:label "无"@zh-Hans ; yrd:partOf place:jiangsu ;
            geo:lat 123.0 ; geo:long 10.0 .
    """
    )
    data.parse(data=bad, format="turtle", publicID=BASE)
    shapes = rdflib.Graph().parse(
        str(REPO / "ontology" / "shapes.ttl"), format="turtle", publicID=BASE
    )
    conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert not conforms
    foci = {
        str(o) for o in report.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#focusNode"))
    }
    assert BASE + "id/pairing/broken" in foci and BASE + "id/place/nowhere" in foci
