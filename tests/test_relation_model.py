"""Every partner is a real partner (#13): one test per bug, each written as a query over the data.

The queries find every case in the bundled data (every hub with spokes, every group, every place
with its own units, every dated fact), and the service's answers are checked for each, so a
curator adding a fact of the same kind is covered too.
"""

from __future__ import annotations

import pytest
import rdflib
from _data_store import BASE, PREFIXES, REPO, store_for

from kg.graph import traversal
from kg.graph.projection import Projection
from kg.store import validation

PLACE = BASE + "id/place/"


@pytest.fixture(scope="module")
def kg(request):
    return store_for(request)


@pytest.fixture(scope="module")
def snap(kg):
    return Projection(kg).snapshot()


def rows(kg, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in r.items()} for r in kg.select(PREFIXES + query)]


def joined(snap, a: str, b: str, relation: str) -> bool:
    """Whether partners/paths (the undirected traversal network) join a and b by ``relation``."""
    graph = traversal.undirected(snap)
    return graph.has_edge(a, b) and relation in graph[a][b]


def partner_relations(snap, place: str, **filters) -> dict[str, set[str]]:
    result = traversal.partners(snap, place, traversal.Filters(**filters))
    return {p["id"]: {r["id"] for r in p["relations"]} for p in result["partners"]}


# -- invented partnerships: spokes of one hub ----------------------------------------------------
def test_two_spokes_of_a_hub_are_never_partners_through_it(kg, snap):
    spokes = rows(
        kg,
        """SELECT DISTINCT ?rel ?a ?b WHERE {
             ?rel yrd:shape yrd:HubAndSpokes ; yrd:hub ?hub ; yrd:party ?a , ?b .
             ?a a yrd:Place . ?b a yrd:Place .
             FILTER (?a != ?hub && ?b != ?hub && STR(?a) < STR(?b)) }""",
    )
    assert len(spokes) >= 10  # 盐城's plan alone names a dozen hubs
    for row in spokes:
        assert not joined(snap, row["a"], row["b"], row["rel"]), row
        assert row["rel"] not in partner_relations(snap, row["a"]).get(row["b"], set()), row
    # and the hub is a partner of each spoke
    hub = rows(kg, "SELECT ?hub WHERE { rel:yancheng-industry-linkage yrd:hub ?hub }")[0]["hub"]
    for spoke in ("shanghai", "nanjing", "hangzhou"):
        assert joined(snap, hub, PLACE + spoke, BASE + "id/relation/yancheng-industry-linkage")


def test_the_partners_named_query_follows_the_hub(kg):
    from test_named_queries_data import run

    shanghai = run(kg, "partners-of-place", place="id/place/shanghai")
    via_linkage = {
        r["partner"] for r in shanghai if r["relation"] == "id/relation/yancheng-industry-linkage"
    }
    assert via_linkage == {"id/place/yancheng"}


# -- multilateral groups: one node, not a clique -------------------------------------------------
def test_a_multilateral_group_is_a_group_node_in_exports_and_joins_members_in_traversals(kg, snap):
    groups = rows(
        kg,
        """SELECT ?rel (COUNT(DISTINCT ?p) AS ?n) WHERE {
             ?rel yrd:shape yrd:MultilateralGroup ; yrd:party ?p . ?p a yrd:Place
           } GROUP BY ?rel""",
    )
    assert groups
    drawn = traversal.subgraph(snap)
    for row in groups:
        rel = row["rel"]
        assert rel in drawn and drawn.nodes[rel]["type"] == "MultilateralGroup"
        members = snap.groups[rel]["members"]
        assert {u for u, v in drawn.in_edges(rel)} == set(members)
        # no member-to-member edge of the group anywhere in the drawing
        assert not [1 for u, v, k in drawn.edges(keys=True) if k == rel and v != rel]
        # yet members are partners of each other, through the group
        a, b = members[0], members[1]
        entry = [r for r in traversal.partners(snap, a)["partners"] if r["id"] == b]
        assert any(r["via"] and r["via"]["id"] == rel for r in entry[0]["relations"])


def test_metrics_count_a_group_as_one_node_not_a_clique(snap):
    rel = BASE + "id/relation/railway-xusuhuaiyan"
    members = snap.groups[rel]["members"]
    assert len(members) == 4
    degree = {r["id"]: r["degree"] for r in traversal.metrics(snap)}
    assert rel not in degree  # measured through, never listed as a place
    xuzhou = degree[PLACE + "xuzhou"]
    others = {v for u, v in snap.graph.to_undirected().edges(PLACE + "xuzhou")}
    assert xuzhou == len(others) + 1  # its places plus the one group node


# -- own units are not partners ------------------------------------------------------------------
def test_a_place_is_never_joined_to_its_own_units(kg, snap):
    units = rows(
        kg,
        """SELECT DISTINCT ?unit ?place WHERE {
             ?unit yrd:partOf ?place . ?rel yrd:party|yrd:location|yrd:platform ?unit .
             ?rel2 yrd:party ?place }""",
    )
    assert units
    graph = traversal.undirected(snap)
    for row in units:
        assert not graph.has_edge(row["unit"], row["place"]), row
        assert row["unit"] not in partner_relations(snap, row["place"]), row


def test_places_and_platforms_involved_are_not_parties(kg, snap):
    involved = rows(
        kg,
        """SELECT ?rel ?what WHERE { ?rel yrd:location|yrd:platform ?what . ?what a yrd:Place }""",
    )
    assert any(r["what"] == PLACE + "ningbozimaopianqu" for r in involved)
    for row in involved:
        assert row["what"] not in snap.relations[row["rel"]]["roles"], row
    ningbo = partner_relations(snap, PLACE + "ningbo")
    assert BASE + "id/relation/bengbu-ningbo-ftz" in ningbo[PLACE + "bengbu"]


def test_include_subunits_still_folds_in_the_relations_of_sub_units(snap):
    wuxi = PLACE + "wuxi"
    own = partner_relations(snap, wuxi)
    assert PLACE + "jiangyin" not in own and PLACE + "suining" not in own
    folded = traversal.partners(snap, wuxi, include_subunits=True)
    suining = next(p for p in folded["partners"] if p["id"] == PLACE + "suining")
    assert {r["through"]["id"] for r in suining["relations"]} == {PLACE + "jiangyin"}
    assert PLACE + "jiangyin" not in {p["id"] for p in folded["partners"]}


def test_partner_organisations_leaves_out_the_places_own_institutes(kg):
    from test_named_queries_data import run

    orgs = {r["org"] for r in run(kg, "partner-organisations")}
    own = rows(kg, "SELECT ?org WHERE { ?org yrd:locatedIn/yrd:partOf* place:yancheng }")
    assert own and not orgs & {r["org"] for r in own}
    assert "id/org/shanghaiqiche" in orgs


# -- SHACL requires the shape ---------------------------------------------------------------------
def test_every_relation_with_more_than_two_parties_states_its_shape(kg):
    missing = rows(
        kg,
        """SELECT ?rel WHERE { ?rel yrd:party ?p . FILTER NOT EXISTS { ?rel yrd:shape ?s } }
           GROUP BY ?rel HAVING (COUNT(DISTINCT ?p) > 2)""",
    )
    assert not missing


def test_shacl_rejects_three_parties_without_a_shape_and_a_hub_shape_without_hub():
    shapes = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl", publicID=BASE)
    data = rdflib.Graph().parse(REPO / "ontology" / "yrd.ttl", publicID=BASE)
    data.parse(
        data=PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        + """
        place:a a yrd:Country ; rdfs:label "甲"@zh-Hans , "甲"@zh-Hant , "A"@en .
        place:b a yrd:Country ; rdfs:label "乙"@zh-Hans , "乙"@zh-Hant , "B"@en .
        place:c a yrd:Country ; rdfs:label "丙"@zh-Hans , "丙"@zh-Hant , "C"@en .
        rel:three a yrd:CooperationActivity ; rdfs:label "三方"@zh-Hans , "three"@en ;
            yrd:party place:a , place:b , place:c .
        rel:hubless a yrd:CooperationActivity ; rdfs:label "无中心"@zh-Hans , "hubless"@en ;
            yrd:party place:a , place:b , place:c ; yrd:shape yrd:HubAndSpokes .
        """,
        format="turtle",
        publicID=BASE,
    )
    found = {(v.focus.rsplit("/", 1)[-1], v.message) for v in validation.validate(data, shapes)}
    assert any(f == "three" and "needs yrd:shape" in m for f, m in found)
    assert any(f == "hubless" and "names its hub" in m for f, m in found)


# -- roles read from the asked place ---------------------------------------------------------------
def test_roles_are_read_from_the_asked_place_with_human_labels(kg, snap):
    pairings = rows(
        kg,
        """SELECT ?rel ?a ?b WHERE {
             ?rel a yrd:Pairing ; yrd:assistingParty ?a ; yrd:assistedParty ?b .
             ?a a yrd:PrefectureLevelCity . ?b a yrd:PrefectureLevelCity
             FILTER NOT EXISTS { ?rel yrd:confidence ?c } }""",
    )
    assert pairings
    for row in pairings:
        assisted = traversal.partners(snap, row["b"])["partners"]
        rel = next(
            r
            for p in assisted
            if p["id"] == row["a"]
            for r in p["relations"]
            if r["id"] == row["rel"]
        )
        assert rel["role"] == "assisted"
        assert rel["own_role"]["label_zh"] == "受帮扶方"
        assert rel["partner_role"]["label_zh"] == "帮扶方"


# -- structured time -------------------------------------------------------------------------------
def test_every_dated_fact_is_found_by_its_year(kg):
    from test_named_queries_data import run

    dated = rows(
        kg,
        """SELECT DISTINCT ?rel ?time WHERE {
             VALUES ?p { yrd:start yrd:end yrd:established yrd:signed yrd:plannedFor yrd:eventTime
                         yrd:targetYear yrd:startYear yrd:endYear yrd:approvalYear }
             ?rel ?p ?time ; a yrd:CooperationRelation }""",
    )
    assert len(dated) >= 40
    by_year: dict[str, set[str]] = {}
    for row in dated:
        by_year.setdefault(row["time"][:4], set()).add(row["rel"][len(BASE) :])
    for year, rels in by_year.items():
        found = {r["relation"] for r in run(kg, "relations-in-year", year=year)}
        assert rels <= found, (year, rels - found)


def test_times_keep_the_precision_the_article_gives(kg):
    found = rows(
        kg,
        """SELECT ?t WHERE {
             agreement:yongbeng-jianshefangan yrd:signed ?t ; yrd:periodText ?text }""",
    )
    assert found and found[0]["t"] == "2022-11"
    typed = kg.select(PREFIXES + "SELECT ?t WHERE { rel:nantong-delegation-2020 yrd:start ?t }")[0][
        "t"
    ]
    assert typed.datatype.value.endswith("#date") and typed.value == "2020-04-07"


def test_a_period_filter_says_how_many_undated_relations_it_left_out(kg, snap):
    place = PLACE + "yancheng"
    everything = traversal.partners(snap, place)
    assert "undated_left_out" not in everything
    undated = {
        r["id"] for p in everything["partners"] for r in p["relations"] if r["start"] is None
    }
    assert undated
    since = traversal.partners(snap, place, traversal.Filters(since=2000))
    assert since["undated_left_out"] == len(undated)
    kept = traversal.partners(snap, place, traversal.Filters(since=2000, include_undated=True))
    assert "undated_left_out" not in kept
    kept_ids = {r["id"] for p in kept["partners"] for r in p["relations"]}
    assert undated <= kept_ids
    assert traversal.undated_left_out(snap, traversal.Filters(until=2030), [place]) == len(undated)


# -- linked relations ----------------------------------------------------------------------------
def test_linked_relations_are_stated_one_way_and_usable_both_ways(kg, snap):
    links = rows(
        kg,
        """SELECT ?a ?p ?b ?inverse WHERE {
             VALUES (?p ?inverse) {
               (yrd:serves yrd:servedBy) (yrd:subRelationOf yrd:hasSubRelation)
               (yrd:concernsPark yrd:parkConcernedBy) (yrd:formalises yrd:formalisedBy) }
             ?a ?p ?b }""",
    )
    kinds = {r["p"].rsplit("#", 1)[1] for r in links}
    assert kinds == {"serves", "subRelationOf", "concernsPark", "formalises"}
    for row in links:
        assert kg.ask(PREFIXES + f"ASK {{ <{row['b']}> <{row['inverse']}> <{row['a']}> }}"), row
        linked = {(x["property"], x["id"]) for x in snap.relations[row["a"]]["linked"]}
        assert (row["p"].rsplit("#", 1)[1], row["b"]) in linked, row
    susu = {x["id"] for x in snap.relations[BASE + "id/park/susu"]["linked"]}
    assert BASE + "id/pairing/suzhou-suqian" in susu


# -- implied facts -------------------------------------------------------------------------------
def test_implied_and_ambiguous_facts_stay_out_of_the_default_network(kg, snap):
    from test_named_queries_data import run

    unsure = rows(
        kg,
        """SELECT ?rel ?c WHERE { ?rel yrd:confidence ?c FILTER (?c != yrd:Stated) }""",
    )
    assert {r["c"].rsplit("#", 1)[1] for r in unsure} == {"Implied", "Ambiguous"}
    graph = traversal.undirected(snap)
    keys = {k for _, _, k in graph.edges(keys=True)}
    drawn = {k for _, _, k in traversal.subgraph(snap).edges(keys=True)}
    for row in unsure:
        assert row["rel"] not in keys and row["rel"] not in drawn, row
    huaibei = run(kg, "partners-of-place", place="id/place/huaibei")
    assert "id/pairing/xuzhou-huaibei" not in {r["relation"] for r in huaibei}
    # still shown, with its confidence, on the place itself
    details = traversal.place_details(snap, PLACE + "huaibei")
    implied = [r for r in details["relations"]["pairing"] if r["confidence"] == "Implied"]
    assert implied and implied[0]["partners"] == []
    ambiguous = snap.relations[BASE + "id/relation/yancheng-suyan-parks"]
    assert {c["id"] for c in ambiguous["candidates"]} == {PLACE + "suzhou", PLACE + "jiangsu"}


# -- labels ----------------------------------------------------------------------------------------
def test_simplified_labels_use_mainland_terms_and_english_stays_english(kg):
    taiwan = rows(
        kg,
        """SELECT ?x ?l WHERE { ?x rdfs:label|skos:altLabel|yrd:leadIndustry ?l
             FILTER (langMatches(lang(?l), "zh-Hans")
                     && REGEX(?l, "智慧传感|感测|积体电路|奈米|资讯|软体|网路|数位")) }""",
    )
    assert not taiwan
    latin = rows(
        kg,
        """SELECT ?x ?l WHERE { ?x rdfs:label|skos:altLabel ?l
             FILTER (langMatches(lang(?l), "zh-Hans") && REGEX(?l, "^[A-Za-z0-9 .-]+$")) }""",
    )
    assert not latin
    assert kg.ask(PREFIXES + 'ASK { place:suzhougongyeyuanqu skos:altLabel "SIP"@en }')
    assert kg.ask(
        PREFIXES + 'ASK { park:ningbobengbuweidianzi yrd:leadIndustry "智能传感器"@zh-Hans }'
    )


def test_http_answers_say_how_many_undated_relations_a_period_filter_left_out(bundled_store):
    from kg.config import Config
    from kg.web.app import create_app

    client = create_app(Config(store=":memory:"), bundled_store).test_client()
    partners = client.get("/api/places/盐城/partners", query_string={"since": 2000}).get_json()
    assert partners["undated_left_out"] > 0
    kept = client.get(
        "/api/places/盐城/partners", query_string={"since": 2000, "include_undated": "true"}
    ).get_json()
    assert "undated_left_out" not in kept
    assert sum(len(p["relations"]) for p in kept["partners"]) > sum(
        len(p["relations"]) for p in partners["partners"]
    )
    export = client.get("/api/export", query_string={"format": "d3", "until": 2030})
    left_out = int(export.headers["X-Undated-Left-Out"])
    assert left_out > 0 and export.get_json()["graph"]["undated_left_out"] == left_out
    csv = client.get("/api/places/淮安/partners", query_string={"format": "csv"})
    header, *lines = csv.get_data(as_text=True).splitlines()
    assert "partner_role" in header and any("帮扶方" in line for line in lines)
