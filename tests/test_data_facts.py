# ruff: noqa: E501  (data tables and SPARQL/quote strings)
"""Table-driven checks of the facts of the five seed articles (and of places and inferences).

Each row is (article, what, SPARQL ASK body); prefixes are relative and resolved against the
load-time base. The rows cover every relation type of the ontology.
"""

from __future__ import annotations

import pytest
from _data_store import PREFIXES, store_for


@pytest.fixture(scope="module")
def kg(request):
    return store_for(request)


FACTS: list[tuple[str, str, str]] = [
    # ---- seed 000: Jiangsu deepened north–south pairing ------------------------------------
    (
        "000",
        "南京 assists 淮安 (city-level pairing of the deepened scheme)",
        """
        pairing:nanjing-huaian a yrd:Pairing ; yrd:assistingParty place:nanjing ; yrd:assistedParty place:huaian ;
            yrd:party place:nanjing , place:huaian ; yrd:level yrd:CityLevel ; yrd:scheme scheme:jiangsunanbeijiedui .""",
    ),
    (
        "000",
        "无锡–连云港 pairing",
        """
        pairing:wuxi-lianyungang yrd:assistingParty place:wuxi ; yrd:assistedParty place:lianyungang ;
            prov:wasDerivedFrom source:s000 .""",
    ),
    (
        "000",
        "常州–盐城 pairing",
        "pairing:changzhou-yancheng yrd:assistingParty place:changzhou ; yrd:assistedParty place:yancheng .",
    ),
    (
        "000",
        "苏州–宿迁 pairing",
        "pairing:suzhou-suqian yrd:assistingParty place:suzhou ; yrd:assistedParty place:suqian .",
    ),
    (
        "000",
        "county-level pairing of 10 unnamed 苏北 counties, modelled as a group of exactly that",
        """pairing:sunanjieduixian-subeizhongdianxian yrd:level yrd:CountyLevel ; yrd:assistedParty ?g .
        ?g a yrd:PlaceGroup ; yrd:memberCount 10 .
        FILTER NOT EXISTS { ?g yrd:hasMember ?any }""",
    ),
    (
        "000",
        "苏宿工业园区: partners 苏州, 宿迁; host 宿迁; provincial innovation pilot park",
        """
        park:susu a yrd:Park ; yrd:party place:suzhou , place:suqian ; yrd:hostPlace place:suqian ;
            yrd:parkType yrd:InnovationPilotPark ; prov:wasDerivedFrom source:s000 , source:s003 .""",
    ),
    (
        "000",
        "常熟泗洪 and 吴江泗阳 are provincial featured parks at county level",
        """
        park:changshusihong yrd:parkType yrd:FeaturedPark ; yrd:level yrd:CountyLevel ; yrd:party place:changshu , place:sihong .
        park:wujiangsiyang yrd:parkType yrd:FeaturedPark ; yrd:party place:wujiang , place:siyang .""",
    ),
    (
        "000",
        "43.1% share of 苏中苏北 as a typed decimal with unit",
        """
        stat:s000-subei-suzhong-share schema:value ?v1 ; schema:unitText "%"@zh-Hans ; yrd:about place:subei , place:suzhong . FILTER (?v1 = 43.1)""",
    ),
    (
        "000",
        "科创飞地 from 苏北四市 to 苏南四市 (innovation co-operation)",
        """
        rel:kechuangfeidi a yrd:InnovationCooperation ; yrd:originParty place:subeisishi ; yrd:destinationParty place:sunansishi ;
            yrd:domain domain:science-innovation .""",
    ),
    (
        "000",
        "苏南四市 resolved to its four members",
        """
        place:sunansishi yrd:hasMember place:nanjing , place:wuxi , place:changzhou , place:suzhou .
        FILTER NOT EXISTS { place:sunansishi yrd:hasMember place:zhenjiang }""",
    ),
    (
        "000",
        "hospital support is an institution-level pairing in health care",
        """
        rel:jiangsu-hospital-support a yrd:InstitutionPairing ; yrd:level yrd:InstitutionLevel ; yrd:domain domain:health-care ;
            yrd:assistedParty place:subeisishi .""",
    ),
    (
        "000",
        "disease-control centre support names the provincial CDC",
        """
        rel:jiangsu-cdc-support yrd:party org:jiangsujikong ; yrd:domain domain:disease-control .
        org:jiangsujikong yrd:locatedIn place:jiangsu .""",
    ),
    (
        "000",
        "work teams sent south→north (cadre exchange)",
        """
        rel:jiangsu-work-teams a yrd:CadreExchange ; yrd:originParty place:sunansishi ; yrd:destinationParty place:subeisishi .""",
    ),
    (
        "000",
        "liaison groups in the key assisted counties",
        """
        rel:jiangsu-liaison-groups a yrd:LiaisonOffice ; yrd:destinationParty place:subeizhongdianxian .""",
    ),
    (
        "000",
        "HR co-operation (社保卡“一卡通”)",
        "rel:jiangsu-hr a yrd:CooperationActivity ; yrd:domain domain:human-resources .",
    ),
    (
        "000",
        "co-ordination group renamed",
        """
        org:jiangsunanbeijieduixietiaoxiaozu yrd:succeeds org:jiangsusubeifazhanxietiaoxiaozu .""",
    ),
    # ---- seed 001: 沪苏浙 cities pair with 皖北 cities ----------------------------------------
    (
        "001",
        "宁波 assists 蚌埠 in the 沪苏浙–皖北 scheme",
        """
        pairing:ningbo-bengbu yrd:assistingParty place:ningbo ; yrd:assistedParty place:bengbu ; yrd:scheme scheme:husuzhewanbei .""",
    ),
    (
        "001",
        "杭州–宿州 pairing uses the Anhui 宿州 (suzhou-ah), not 苏州",
        """
        pairing:hangzhou-suzhouah yrd:party place:hangzhou , <id/place/suzhou-ah> .
        <id/place/suzhou-ah> yrd:partOf place:anhui ; rdfs:label "宿州市"@zh-Hans .""",
    ),
    (
        "001",
        "苏州–阜阳 pairing",
        "pairing:suzhou-fuyang yrd:assistingParty place:suzhou ; yrd:assistedParty place:fuyang .",
    ),
    (
        "001",
        "district-level pairing of 8 杭州 districts with 8 宿州 units",
        """
        pairing:hangzhouchengqu-suzhouahxianqu yrd:level yrd:DistrictLevel ; yrd:assistingParty place:hangzhouchengqu .
        place:hangzhouchengqu yrd:memberCount 8 ; yrd:partOf place:hangzhou .""",
    ),
    (
        "001",
        "甬蚌 park: host 固镇经开区, operation model 管委会+公司平台, cross-province",
        """
        park:yongbeng yrd:hostPlace place:guzhenjingkaiqu ; yrd:parkType yrd:CrossProvinceCooperationPark ;
            yrd:operationModel "管委会+公司平台"@zh-Hans .
        place:guzhenjingkaiqu yrd:partOf place:guzhen .""",
    ),
    (
        "001",
        "《甬蚌产业合作园区建设方案》 signed 2022 by 蚌埠 and 宁波",
        """
        agreement:yongbeng-jianshefangan a yrd:Agreement ; yrd:signed "2022-11"^^xsd:gYearMonth ; yrd:party place:bengbu , place:ningbo .""",
    ),
    (
        "001",
        "microelectronics park framework agreement",
        """
        agreement:ningbobengbu-weidianzi-kuangjia a yrd:Agreement ; schema:about park:ningbobengbuweidianzi .""",
    ),
    (
        "001",
        "蚌埠 liaison office in 宁波",
        """
        rel:bengbu-liaison-ningbo a yrd:LiaisonOffice ; yrd:originParty place:bengbu ; yrd:destinationParty place:ningbo .""",
    ),
    (
        "001",
        "11 宁波 projects worth 21.6亿元 landed in 蚌埠 (2022)",
        """
        rel:ningbo-projects-bengbu a yrd:IndustryTransfer ; yrd:party org:yusheng , org:xinsulian , org:rongguangnami .
        stat:s001-ningbo-projects schema:value ?v2 ; yrd:about rel:ningbo-projects-bengbu . FILTER (?v2 = 11)
        stat:s001-ningbo-investment schema:value ?v3 ; schema:unitText "亿元"@zh-Hans . FILTER (?v3 = 21.6)""",
    ),
    (
        "001",
        "淮南 cadres to 闵行 on 2022-10-18 (14 people)",
        """
        rel:huainan-minhang-2022 a yrd:CadreExchange ; yrd:originParty place:huainan ; yrd:destinationParty place:minhang ;
            yrd:start "2022-10-18"^^xsd:date .
        stat:s001-huainan-cadres schema:value ?v4 . FILTER (?v4 = 14)""",
    ),
    (
        "001",
        "technician colleges 阜阳–苏州 paired (institution pairing with orgs and places)",
        """
        rel:jishixueyuan-fuyang-suzhou a yrd:InstitutionPairing ; yrd:party org:fuyangjishixueyuan , org:suzhoujishixueyuan ,
            place:fuyang , place:suzhou .
        org:fuyangjishixueyuan yrd:locatedIn place:fuyang .""",
    ),
    (
        "001",
        "泗县 paired with 杭州技师学院",
        """
        rel:jishixueyuan-sixian-hangzhou yrd:party place:sixian , org:hangzhoujishixueyuan .
        place:sixian yrd:partOf <id/place/suzhou-ah> .""",
    ),
    (
        "001",
        "60+ 专精特新 target and 40+ agricultural bases are lower-bound targets",
        """
        stat:s001-zhuanjingtexin schema:value ?v5 ; yrd:isTarget true ; yrd:isMinimum true . FILTER (?v5 = 60)
        stat:s001-agri-bases schema:value ?v6 ; yrd:isMinimum true . FILTER (?v6 = 40)""",
    ),
    (
        "001",
        "Anhui agricultural service centre in Shanghai",
        """
        rel:anhui-agri-centre-shanghai yrd:originParty place:anhui ; yrd:destinationParty place:shanghai ;
            yrd:platform org:anhuilvsenongchanpinfuwuzhongxin ; yrd:domain domain:agriculture .""",
    ),
    (
        "001",
        "G60 corridor to 六安 (planned innovation co-operation)",
        """
        rel:g60-luan a yrd:InnovationCooperation ; yrd:party place:luan ; yrd:status yrd:Planned .""",
    ),
    (
        "001",
        "蚌埠 and 宁波 free-trade-zone areas linked (opening-up): the cities co-operate, the areas are their platforms",
        """
        rel:bengbu-ningbo-ftz yrd:party place:bengbu , place:ningbo ;
            yrd:platform place:bengbuzimaopianqu , place:ningbozimaopianqu ; yrd:domain domain:opening-up .""",
    ),
    (
        "001",
        "funds co-operation names the two Anhui funds",
        """
        rel:wanbei-funds a yrd:EnterpriseCooperation ; yrd:party org:anhuixinxingchanyejijin , org:anhuiguoziwei61jijin ;
            yrd:domain domain:finance .""",
    ),
    # ---- seed 002: cross-river integration, 2020 -------------------------------------------
    (
        "002",
        "three 2020 integration agreements of 南通 with 苏州, 无锡, 常州",
        """
        agreement:nantong-suzhou-ronghe-2020 yrd:signed "2020-04"^^xsd:gYearMonth ; yrd:scheme scheme:kuajiangronghe ; yrd:party place:nantong , place:suzhou .
        agreement:nantong-wuxi-ronghe-2020 yrd:party place:nantong , place:wuxi .
        agreement:nantong-changzhou-ronghe-2020 yrd:party place:nantong , place:changzhou .""",
    ),
    (
        "002",
        "南通 delegation visited the three southern cities 7–10 April 2020",
        """
        rel:nantong-delegation-2020 yrd:originParty place:nantong ; yrd:destinationParty place:suzhou , place:wuxi , place:changzhou ;
            yrd:shape yrd:HubAndSpokes ; yrd:hub place:nantong ;
            yrd:start "2020-04-07"^^xsd:date ; yrd:end "2020-04-10"^^xsd:date .""",
    ),
    (
        "002",
        "苏州工业园区 assists 相城区 since 2012 (district level)",
        """
        pairing:suzhougongyeyuanqu-xiangcheng yrd:assistingParty place:suzhougongyeyuanqu ; yrd:assistedParty place:xiangcheng ;
            yrd:start "2012"^^xsd:gYear ; yrd:level yrd:DistrictLevel .
        place:suzhougongyeyuanqu a yrd:FunctionalZone ; yrd:partOf place:suzhou .""",
    ),
    (
        "002",
        "苏相合作区 (2020) succeeds the 2012 co-operative development zone",
        """
        park:suxianghezuoqu yrd:succeeds park:suzhougongyeyuanqu-xiangcheng-jingkaiqu ; yrd:established "2020-04-08"^^xsd:date ;
            yrd:hostPlace place:xiangcheng .""",
    ),
    (
        "002",
        "quotes from 002 are tagged zh-Hant",
        """
        ?r prov:qualifiedDerivation [ prov:entity source:s002 ; yrd:quote ?q ] . FILTER (langMatches(lang(?q), "zh-Hant"))""",
    ),
    # ---- seed 003: park history and industry transfer --------------------------------------
    (
        "003",
        "无锡徐州工业园区 (older scheme) co-exists with the newer 无锡–连云港 pairing",
        """
        park:wuxixuzhou yrd:party place:wuxi , place:xuzhou ; yrd:scheme scheme:jiangsunanbeigongjianyuanqu ; yrd:hostPlace place:xuzhou .
        pairing:wuxi-lianyungang yrd:scheme scheme:jiangsunanbeijiedui .
        scheme:jiangsunanbeijiedui yrd:succeeds scheme:jiangsunanbeigongjianyuanqu .""",
    ),
    (
        "003",
        "镇江连云港工业园区: 健康食品 and 新材料",
        """
        park:zhenjianglianyungang yrd:leadIndustry "健康食品"@zh-Hans , "新材料"@zh-Hans ; yrd:hostPlace place:lianyungang .""",
    ),
    (
        "003",
        "宁淮 park operation model 总部+基地 and lead industry 半导体先进制造",
        """
        park:ninghuai yrd:operationModel "总部+基地"@zh-Hans ; yrd:leadIndustry "半导体先进制造"@zh-Hans .""",
    ),
    (
        "003",
        "江阴睢宁 and 宜兴沛县 featured parks",
        """
        park:jiangyinsuining yrd:party place:jiangyin , place:suining ; yrd:parkType yrd:FeaturedPark .
        park:yixingpeixian yrd:party place:yixing , place:peixian ; yrd:hostPlace place:peixian .""",
    ),
    (
        "003",
        "38 co-built parks since 2006",
        """
        stat:s003-cobuilt-parks-since-2006 schema:value ?v7 ; yrd:start "2006"^^xsd:gYear . FILTER (?v7 = 38)""",
    ),
    (
        "003",
        "苏州's no. 1 industry-transfer destination 2019–2022 is 贵阳",
        """
        ?t a yrd:IndustryTransfer ; yrd:originParty place:suzhou ; yrd:destinationParty place:guiyang ; yrd:rank 1 ;
           yrd:start "2019"^^xsd:gYear ; yrd:end "2022"^^xsd:gYear .""",
    ),
    (
        "003",
        "无锡's destinations include 重庆 (a municipality) at rank 3",
        """
        ?t yrd:originParty place:wuxi ; yrd:destinationParty place:chongqing ; yrd:rank 3 . place:chongqing a yrd:Municipality .""",
    ),
    (
        "003",
        "吴江 projects transfer to 泗阳 via the co-built park",
        """
        rel:wujiang-siyang-transfer yrd:originParty place:wujiang ; yrd:destinationParty place:siyang ; yrd:viaPark park:wujiangsiyang .""",
    ),
    (
        "003",
        "南北挂钩 scheme starts in 2001",
        'scheme:jiangsunanbeiguagou yrd:startYear "2001"^^xsd:gYear .',
    ),
    # ---- seed 004: 盐城 plan (我市 = 盐城) ----------------------------------------------------
    (
        "004",
        "the plan's city is 盐城",
        "source:s004 dcterms:spatial place:yancheng ; a schema:Report .",
    ),
    (
        "004",
        "沪苏大丰产业联动集聚区 hosted in 大丰",
        """
        park:hushudafeng yrd:party place:shanghai , place:yancheng ; yrd:hostPlace place:dafeng .
        place:dafeng yrd:partOf place:yancheng .""",
    ),
    (
        "004",
        "中韩盐城产业园 is an international co-operation park with Korea",
        """
        park:zhonghanyancheng yrd:parkType yrd:InternationalCooperationPark ; yrd:party place:korea . place:korea a yrd:Country .""",
    ),
    (
        "004",
        "新能源 partner enterprises 协鑫, 上海电气, 天合光能",
        """
        rel:yancheng-new-energy-enterprises a yrd:EnterpriseCooperation ; yrd:party org:xiexin , org:shanghaidianqi , org:tianheguangneng .
        org:tianheguangneng yrd:locatedIn place:changzhou .""",
    ),
    (
        "004",
        "auto R&D with 上海汽车 and 烟台汽车研究所",
        """
        rel:yancheng-auto-rnd yrd:party org:shanghaiqiche , org:yantaiqicheyanjiusuo , place:yantai .""",
    ),
    (
        "004",
        "railways 连盐, 徐宿淮盐, 盐通, 盐泰锡常宜 planned",
        """
        rel:railway-lianyan a yrd:TransportLink ; yrd:transportMode domain:railway ; yrd:party place:lianyungang , place:yancheng .
        rel:railway-xusuhuaiyan yrd:party place:xuzhou , place:suqian , place:huaian .
        rel:railway-yantong yrd:party place:nantong .
        rel:railway-yantaixichangyi yrd:party place:taizhou , place:wuxi , place:changzhou ; yrd:location place:yixing ;
            yrd:shape yrd:MultilateralGroup .""",
    ),
    (
        "004",
        "盐城–南京 expressway and 盐宝 waterway",
        """
        rel:highway-yancheng-nanjing yrd:transportMode domain:highway ; yrd:party place:nanjing .
        rel:waterway-yanbao yrd:transportMode domain:waterway ; yrd:party place:baoying .""",
    ),
    (
        "004",
        "liaison offices in 上海, 南京 exist; 杭州, 苏州 are planned",
        """
        rel:yancheng-liaison-shanghai yrd:status yrd:Established ; yrd:destinationParty place:shanghai .
        rel:yancheng-liaison-nanjing yrd:status yrd:Established .
        rel:yancheng-liaison-hangzhou yrd:status yrd:Planned ; yrd:destinationParty place:hangzhou .
        rel:yancheng-liaison-suzhou yrd:status yrd:Planned .""",
    ),
    (
        "004",
        "innovation exchange with 上海张江 and the 苏南/杭州 demonstration zones",
        """
        rel:yancheng-innovation-zones yrd:party place:zhangjiang , place:sunanzichuangqu , place:hangzhouzichuangqu .
        place:zhangjiang yrd:partOf place:pudong . place:pudong yrd:partOf place:shanghai .""",
    ),
    (
        "004",
        "carbon-trading co-operation with 上海环境能源交易所",
        """
        rel:yancheng-carbon-exchange yrd:party org:shanghaihuanjingnengyuanjiaoyisuo ; yrd:domain domain:ecology .""",
    ),
    (
        "004",
        "education co-operation with 京、沪、宁",
        """
        rel:yancheng-education yrd:party place:beijing , place:shanghai , place:nanjing ; yrd:domain domain:education .""",
    ),
    (
        "004",
        "3–4 investment events in Shanghai per year",
        """
        stat:s004-shanghai-events schema:value ?v8 ; schema:maxValue ?v9 . FILTER (?v8 = 3 && ?v9 = 4)""",
    ),
    # ---- places, regions, domains ---------------------------------------------------------------
    (
        "places",
        "盐城 has three labels, alias 盐, and WGS84 coordinates",
        """
        place:yancheng a yrd:PrefectureLevelCity ; rdfs:label "盐城市"@zh-Hans , "鹽城市"@zh-Hant , "Yancheng"@en ;
            skos:altLabel "盐"@zh-Hans , "盐城"@zh-Hans ; geo:lat ?lat ; geo:long ?long ; yrd:partOf place:jiangsu .
        FILTER (datatype(?lat) = xsd:decimal && ?lat > 33 && ?lat < 34 && ?long > 119.5 && ?long < 121)""",
    ),
    (
        "places",
        "short forms 宁 (南京) and 甬 (宁波)",
        'place:nanjing skos:altLabel "宁"@zh-Hans . place:ningbo skos:altLabel "甬"@zh-Hans .',
    ),
    (
        "places",
        "上海 is a municipality with Wikidata Q8686",
        """
        place:shanghai a yrd:Municipality ; skos:exactMatch <http://www.wikidata.org/entity/Q8686> .""",
    ),
    (
        "places",
        "regions: 苏北 has 5 members incl. 徐州; 沪苏浙 has 3",
        """
        place:subei a yrd:Region ; yrd:hasMember place:xuzhou ; yrd:memberCount 5 .
        place:husuzhe yrd:hasMember place:shanghai , place:jiangsu , place:zhejiang .""",
    ),
    (
        "places",
        "皖北 counts 8 cities but lists only those the texts use",
        """
        place:wanbei yrd:memberCount 8 ; yrd:hasMember place:bengbu .
        { SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { place:wanbei yrd:hasMember ?m } } FILTER (?n <= 8)""",
    ),
    (
        "domains",
        "SKOS domains: 疾病预防控制 narrower than 医疗卫生",
        """
        domain:disease-control a skos:Concept ; skos:broader domain:health-care ; skos:inScheme domain:scheme .""",
    ),
    # ---- inferred graph ---------------------------------------------------------------------------
    (
        "inferred",
        "pairedWith is symmetric and derived from pairings",
        """
        place:changzhou yrd:pairedWith place:yancheng . place:yancheng yrd:pairedWith place:changzhou .""",
    ),
    (
        "inferred",
        "assists / assistedBy derived",
        "place:ningbo yrd:assists place:bengbu . place:bengbu yrd:assistedBy place:ningbo .",
    ),
    (
        "inferred",
        "partOf closure reaches the country",
        "place:yilin yrd:partOf place:funing , place:yancheng , place:jiangsu , place:china .",
    ),
    (
        "inferred",
        "subclass typing: a county is a Place and a park a CooperationRelation",
        """
        place:peixian a yrd:CountyLevelUnit , yrd:AdministrativeUnit , yrd:Place . park:susu a yrd:CooperationRelation , prov:Entity .""",
    ),
    (
        "inferred",
        "memberOf is the inverse of hasMember",
        "place:taizhou yrd:memberOf place:suzhong .",
    ),
    (
        "inferred",
        "no pairedWith from non-pairing relations (无锡–徐州 park only)",
        """
        FILTER NOT EXISTS { place:wuxi yrd:pairedWith place:xuzhou }""",
    ),
]


@pytest.mark.parametrize(
    ("article", "what", "body"), FACTS, ids=[f"{a}:{w[:50]}" for a, w, _ in FACTS]
)
def test_fact(kg, article, what, body):
    assert kg.ask(PREFIXES + "ASK {\n" + body + "\n}"), f"[{article}] {what}"


def test_enough_facts_per_article():
    per = {a: sum(1 for x, _, _ in FACTS if x == a) for a in ("000", "001", "002", "003", "004")}
    assert sum(per.values()) >= 45
    assert all(n >= 4 for n in per.values()), per


RELATION_TYPES = [
    "Pairing",
    "Park",
    "Agreement",
    "InstitutionPairing",
    "IndustryTransfer",
    "LiaisonOffice",
    "CadreExchange",
    "TransportLink",
    "InnovationCooperation",
    "EnterpriseCooperation",
    "CooperationActivity",
]


@pytest.mark.parametrize("cls", RELATION_TYPES)
def test_every_relation_type_is_used_and_tested(kg, cls):
    assert kg.ask(PREFIXES + f"ASK {{ ?r a yrd:{cls} ; prov:wasDerivedFrom ?s }}")
    assert any(f"a yrd:{cls}" in body for _, _, body in FACTS) or cls in ("Pairing", "Park"), cls
