# ruff: noqa: E501  (data tables and SPARQL/quote strings)
"""Regenerate graph_data/places.ttl, orgs.ttl, schemes.ttl and sources.ttl from the tables below.

The co-operation facts are NOT here: they are curated per article in graph_data/facts/*.yaml and
turned into graph_data/seed-*.ttl by `kg build`.

Run from anywhere:  python ontology/tools/build_graph_data.py
Needs the article texts (graph_data/sources/, or KG_SEEDS_DIR) and opencc-python-reimplemented. Every yrd:quote is cut from the seed file by
(start, end) anchors, so quotes are verbatim by construction; a wrong anchor fails the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import places  # noqa: E402
from ttl import REPO, SEED_FILES, Doc, aliases, derivation, labels, lit  # noqa: E402

OUT = REPO / "graph_data"


def Y(y: int | str) -> str:
    return lit(str(y), dt="xsd:gYear")


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------
ORGS = [
    # slug, class, zh, en, locatedIn, aliases, comment
    (
        "suzhoujishixueyuan",
        "EducationalInstitution",
        "苏州技师学院",
        "Suzhou Technician College",
        "suzhou",
        [],
        None,
    ),
    (
        "fuyangjishixueyuan",
        "EducationalInstitution",
        "阜阳技师学院",
        "Fuyang Technician College",
        "fuyang",
        [],
        None,
    ),
    (
        "huaibeijishixueyuan",
        "EducationalInstitution",
        "淮北技师学院",
        "Huaibei Technician College",
        "huaibei",
        [],
        None,
    ),
    (
        "xuzhoujishixueyuan",
        "EducationalInstitution",
        "徐州技师学院",
        "Xuzhou Technician College",
        "xuzhou",
        [],
        None,
    ),
    (
        "bengbujishixueyuan",
        "EducationalInstitution",
        "蚌埠技师学院",
        "Bengbu Technician College",
        "bengbu",
        [],
        None,
    ),
    (
        "ningbojishixueyuan",
        "EducationalInstitution",
        "宁波技师学院",
        "Ningbo Technician College",
        "ningbo",
        [],
        None,
    ),
    (
        "hangzhoujishixueyuan",
        "EducationalInstitution",
        "杭州技师学院",
        "Hangzhou Technician College",
        "hangzhou",
        [],
        None,
    ),
    (
        "yongbenghezuochanye",
        "Enterprise",
        "安徽省甬蚌合作产业发展有限公司",
        "Anhui Yong–Beng Cooperative Industry Development Co., Ltd.",
        "anhui",
        ["T:安徽省甬蚌合作産業發展有限公司"],
        "Company set up to run the 甬蚌产业合作园区 (seed 001); the text gives only the province.",
    ),
    (
        "yusheng",
        "Enterprise",
        "煜晟汽车零部件",
        "Yusheng Auto Parts",
        "ningbo",
        [],
        "Named among the 宁波项目 signed in 蚌埠 (seed 001); located by the text as a Ningbo project.",
    ),
    (
        "xinsulian",
        "Enterprise",
        "芯速联",
        "Xinsulian",
        "ningbo",
        [],
        "Named among the 宁波项目 signed in 蚌埠 (seed 001).",
    ),
    (
        "rongguangnami",
        "Enterprise",
        "融光纳米",
        "Rongguang Nano",
        "ningbo",
        ["T:融光奈米"],
        "Named among the 宁波项目 signed in 蚌埠 (seed 001: 融光奈米).",
    ),
    (
        "anhuixinxingchanyejijin",
        "Platform",
        "安徽省新兴产业引导基金",
        "Anhui Emerging Industry Guidance Fund",
        "anhui",
        ["省新兴产业引导基金", "T:省新興産業引導基金"],
        None,
    ),
    (
        "anhuiguoziwei61jijin",
        "Platform",
        "安徽省国资委“6+1”基金",
        'Anhui SASAC "6+1" funds',
        "anhui",
        ["省国资委“6+1”基金"],
        None,
    ),
    (
        "anhuilvsenongchanpinfuwuzhongxin",
        "Platform",
        "安徽长三角绿色农产品服务中心",
        "Anhui Yangtze Delta Green Agricultural Products Service Centre",
        "shanghai",
        ["T:安徽長三角綠色農産品服務中心"],
        "Set up (挂牌) in Shanghai by Anhui (seed 001).",
    ),
    (
        "jiangsunanbeijieduixietiaoxiaozu",
        "GovernmentBody",
        "江苏省南北结对帮扶合作协调小组",
        "Jiangsu Provincial North–South Pairing Assistance and Co-operation Co-ordination Group",
        "jiangsu",
        ["省南北结对帮扶合作协调小组"],
        None,
    ),
    (
        "jiangsusubeifazhanxietiaoxiaozu",
        "GovernmentBody",
        "江苏省苏北发展协调小组",
        "Jiangsu Provincial Northern Jiangsu Development Co-ordination Group",
        "jiangsu",
        ["省苏北发展协调小组"],
        "Renamed to the 省南北结对帮扶合作协调小组 (seed 000).",
    ),
    (
        "jiangsujikong",
        "GovernmentBody",
        "江苏省疾病预防控制中心",
        "Jiangsu Provincial Center for Disease Control and Prevention",
        "jiangsu",
        ["省疾控中心"],
        None,
    ),
    (
        "subeifazhanyanjiuyuan",
        "ResearchInstitute",
        "苏北发展研究院",
        "Northern Jiangsu Development Research Institute",
        "jiangsu",
        [],
        "Affiliation of the (unnamed) author of seed 003; the article does not give its city.",
    ),
    (
        "xiexin",
        "Enterprise",
        "协鑫",
        "GCL",
        "suzhou",
        ["协鑫集团"],
        "Located: well-known public fact (operational headquarters in Suzhou).",
    ),
    ("shanghaidianqi", "Enterprise", "上海电气", "Shanghai Electric", "shanghai", [], None),
    (
        "tianheguangneng",
        "Enterprise",
        "天合光能",
        "Trina Solar",
        "changzhou",
        [],
        "Located: well-known public fact (Changzhou).",
    ),
    (
        "shanghaimaitengdianzi",
        "Enterprise",
        "上海迈腾电子",
        "Shanghai Maiteng Electronics",
        "shanghai",
        [],
        None,
    ),
    (
        "longqikeji",
        "Enterprise",
        "龙旗科技",
        "Longcheer Technology",
        "shanghai",
        [],
        "Located: well-known public fact (Shanghai).",
    ),
    ("shanghaiqiche", "Enterprise", "上海汽车", "SAIC Motor", "shanghai", ["上汽"], None),
    (
        "yantaiqicheyanjiusuo",
        "ResearchInstitute",
        "烟台汽车研究所",
        "Yantai Automotive Research Institute",
        "yantai",
        [],
        None,
    ),
    (
        "changsanjiaoxinnengyuanqicheyanjiuyuan",
        "ResearchInstitute",
        "长三角新能源汽车研究院",
        "Yangtze Delta New Energy Vehicle Research Institute",
        "yancheng",
        [],
        "A platform of the 盐城 plan (seed 004).",
    ),
    (
        "dongfengyuedaqiyayanjiuyuan",
        "ResearchInstitute",
        "东风悦达起亚汽车研究院",
        "Dongfeng Yueda Kia Automotive Research Institute",
        "yancheng",
        [],
        None,
    ),
    ("dongfengyuedaqiya", "Enterprise", "东风悦达起亚", "Dongfeng Yueda Kia", "yancheng", [], None),
    (
        "shanghaihuanjingnengyuanjiaoyisuo",
        "Platform",
        "上海环境能源交易所",
        "Shanghai Environment and Energy Exchange",
        "shanghai",
        [],
        None,
    ),
    (
        "jiangsuguojipindao",
        "Platform",
        "江苏国际频道",
        "Jiangsu International Channel",
        "jiangsu",
        [],
        None,
    ),
    (
        "zhonghaiyou",
        "Enterprise",
        "中国海洋石油集团有限公司",
        "China National Offshore Oil Corporation (CNOOC)",
        "beijing",
        ["中海油"],
        "Located: well-known public fact (headquarters in Beijing).",
    ),
]


def build_orgs() -> None:
    d = Doc(
        "# Organisations named in the seed articles: schools, institutes, enterprises, platforms and\n"
        "# government bodies. yrd:locatedIn gives the place (from the text where it says so, otherwise a\n"
        "# well-known public fact noted in rdfs:comment)."
    )
    for slug, cls, zh, en, loc, alts, comment in ORGS:
        al = aliases(alts)
        props = [
            ("a", f"yrd:{cls}"),
            ("rdfs:label", labels(zh, en)),
            ("skos:altLabel", al),
            ("yrd:locatedIn", f"place:{loc}"),
            ("rdfs:comment", lit(comment, "en") if comment else None),
        ]
        if slug == "jiangsunanbeijieduixietiaoxiaozu":
            props.append(("yrd:succeeds", "org:jiangsusubeifazhanxietiaoxiaozu"))
            props.append(("prov:wasDerivedFrom", "source:s000"))
            props.append(
                (
                    "prov:qualifiedDerivation",
                    derivation("000", "将省苏北发展协调小组更名为省南北结对帮扶合作协调小组"),
                )
            )
        d.block(f"org:{slug}", props)
    d.write(OUT / "orgs.ttl")


# ---------------------------------------------------------------------------------------------
# Schemes
# ---------------------------------------------------------------------------------------------
def build_schemes() -> None:
    d = Doc(
        "# Pairing and co-operation schemes (yrd:Scheme, a prov:Plan). Periods are given only where a seed\n"
        "# states them; yrd:succeeds orders the Jiangsu schemes so that relations of an older scheme\n"
        "# (e.g. the 2020–2021 无锡徐州 / 镇江连云港 co-built parks) and of the newer one (the 无锡–连云港\n"
        "# city pairing of seed 000) are each true for their own period."
    )
    S = [
        (
            "jiangsunanbeiguagou",
            "江苏南北挂钩合作",
            "Jiangsu south–north linkage (南北挂钩)",
            ["jiangsu"],
            2001,
            [],
            [
                (
                    "003",
                    "自2001年起,随着省内帮扶工作从南北挂钩到南北共建工业园再到省内全域一体化发展的不断提档与提质",
                )
            ],
            "Start year from seed 003 (自2001年起).",
        ),
        (
            "jiangsunanbeigongjianyuanqu",
            "江苏南北共建园区",
            "Jiangsu south–north co-built parks programme",
            ["jiangsu"],
            2006,
            ["jiangsunanbeiguagou"],
            [("003", "自2006年以来,苏南苏北各类共建园区共38个。")],
            "Start year from seed 003 (自2006年以来 … 共建园区共38个).",
        ),
        (
            "jiangsunanbeijiedui",
            "江苏深化南北结对帮扶合作",
            "Jiangsu deepened north–south pairing assistance and co-operation",
            ["jiangsu"],
            None,
            ["jiangsunanbeigongjianyuanqu", "jiangsunanbeiguagou"],
            [
                (
                    "000",
                    "在充分调研、深入研究基础上,省委、省政府作出深化南北结对帮扶合作的决策部署",
                ),
                (
                    "000",
                    "综合考虑相关地区资源禀赋、产业优势、发展水平和历史基础等因素,优化了结对帮扶合作关系。",
                ),
            ],
            "Seed 000 gives no year; the decision follows the 省第十四次党代会 that the article cites. The city pairs of\n"
            "this scheme (南京–淮安, 无锡–连云港, 常州–盐城, 苏州–宿迁) replace older arrangements (优化了结对帮扶合作关系).",
        ),
        (
            "husuzhewanbei",
            "沪苏浙城市结对合作帮扶皖北城市",
            "Shanghai, Jiangsu and Zhejiang cities pairing with northern Anhui cities",
            ["wanbei", "husuzhe"],
            None,
            [],
            [
                (
                    "001",
                    "《安徽省推進落實滬蘇浙城市結對合作幫扶皖北城市2023年度重點工作計劃》日前印發。",
                )
            ],
            "Seed 001 reports Anhui's 2023 work plan for this scheme.",
        ),
        (
            "kuajiangronghe",
            "江苏跨江融合",
            "Jiangsu cross-river integration",
            ["jiangsu"],
            None,
            [],
            [
                ("000", "区域互补、跨江融合、南北联动,是着眼江苏区域发展特点制定的重大政策。"),
                (
                    "002",
                    "本周,蘇州、無錫、常州、南通四座城市共赴“跨江之約”,攜手向更大的發展格局進擊。",
                ),
            ],
            None,
        ),
        (
            "suzhouqujihezuo",
            "苏州区际合作共建",
            "Suzhou inter-district co-building",
            ["suzhou"],
            None,
            [],
            [
                (
                    "002",
                    "由發達區域板塊“牽手”挂鉤欠發達區域,以強帶弱、合作共建,是江蘇推行區域協調發展戰略的重要探索。",
                )
            ],
            "The 苏州工业园区–相城区 arrangement of seed 002.",
        ),
        (
            "changsanjiaoyitihua",
            "长三角一体化发展",
            "Yangtze River Delta integrated development",
            ["changsanjiao"],
            None,
            [],
            [("004", "深度融入长三角一体化发展。")],
            "The framework of the 盐城 plan (seed 004).",
        ),
    ]
    period = {
        "jiangsunanbeiguagou": "自2001年起",
        "jiangsunanbeigongjianyuanqu": "自2006年以来",
        "jiangsunanbeijiedui": "省第十四次党代会之后作出决策部署(原文未写年份)",
        "husuzhewanbei": "2023年度重点工作计划",
        "kuajiangronghe": "2020年4月跨江之约",
    }
    for slug, zh, en, area, start, succ, quotes, comment in S:
        d.block(
            f"scheme:{slug}",
            [
                ("a", "yrd:Scheme"),
                ("rdfs:label", labels(zh, en)),
                ("yrd:areaOf", [f"place:{a}" for a in area]),
                ("yrd:startYear", Y(start) if start else None),
                ("yrd:succeeds", [f"scheme:{s}" for s in succ]),
                ("rdfs:comment", lit(comment, "en") if comment else None),
                ("yrd:periodText", lit(period[slug], "zh-Hans") if slug in period else None),
                ("prov:wasDerivedFrom", sorted({f"source:s{q[0]}" for q in quotes})),
                ("prov:qualifiedDerivation", [derivation(*q) for q in quotes]),
            ],
        )
    d.write(OUT / "schemes.ttl")


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------
def build_sources() -> None:
    d = Doc(
        "# The five seed articles (yrd:Source). dcterms:date is given as printed: seeds 000 and 003 show only\n"
        "# a month and day (09-24) on the page, so they carry an xsd:gMonthDay; seed 004 shows no date."
    )
    f = SEED_FILES
    d.block(
        "source:s000",
        [
            ("a", ["yrd:Source", "schema:NewsArticle"]),
            (
                "dcterms:title",
                lit(
                    "江苏深化南北结对帮扶合作服务构建新发展格局打造新一轮高质量发展增长极",
                    "zh-Hans",
                ),
            ),
            (
                "rdfs:label",
                lit(
                    "江苏深化南北结对帮扶合作服务构建新发展格局打造新一轮高质量发展增长极",
                    "zh-Hans",
                ),
            ),
            ("dcterms:publisher", lit("中国产业园区招商网", "zh-Hans")),
            ("dcterms:creator", lit("admin")),
            ("dcterms:date", lit("--09-24", dt="xsd:gMonthDay")),
            ("dcterms:language", lit("zh-Hans")),
            ("schema:url", "<http://changzhou.021cf.cn/index.php/post/3716.html>"),
            ("schema:articleSection", lit("常州产业信息", "zh-Hans")),
            ("yrd:seedFile", lit(f["000"])),
            (
                "rdfs:comment",
                lit(
                    "Posted by the site account 'admin'; page shows '(09-24)' without a year. Content postdates the 省第十四次党代会 it cites.",
                    "en",
                ),
            ),
        ],
    )
    d.block(
        "source:s001",
        [
            ("a", ["yrd:Source", "schema:NewsArticle"]),
            ("dcterms:title", lit("滬蘇浙城市結對幫扶皖北城市明確年度重點任務", "zh-Hant")),
            ("rdfs:label", lit("滬蘇浙城市結對幫扶皖北城市明確年度重點任務", "zh-Hant")),
            ("dcterms:publisher", lit("中國網", "zh-Hant")),
            ("yrd:originalSource", lit("安徽日報", "zh-Hant")),
            ("dcterms:creator", lit("王弘毅", "zh-Hant")),
            ("schema:editor", lit("唐義瑞", "zh-Hant")),
            ("dcterms:date", lit("2023-02-22", dt="xsd:date")),
            ("schema:datePublished", lit("2023-02-22T15:04:00+08:00", dt="xsd:dateTime")),
            ("dcterms:language", lit("zh-Hant")),
            ("yrd:seedFile", lit(f["001"])),
            (
                "rdfs:comment",
                lit(
                    "Traditional script. 發表于 2023-02-22 15:04, 作者 王弘毅, 來源 安徽日報, 責任編輯 唐義瑞; hosted by 中國網 (footer). '去年' = 2022, '今年' = 2023.",
                    "en",
                ),
            ),
        ],
    )
    d.block(
        "source:s002",
        [
            ("a", ["yrd:Source", "schema:NewsArticle"]),
            (
                "dcterms:title",
                lit("跨江融合、四新行動……特殊時期江蘇各地如何施展“非常之功”", "zh-Hant"),
            ),
            (
                "rdfs:label",
                lit("跨江融合、四新行動……特殊時期江蘇各地如何施展“非常之功”", "zh-Hant"),
            ),
            (
                "dcterms:alternative",
                lit("書記市長這一周|非常時期,看“學霸班”施展“非常之功”", "zh-Hant"),
            ),
            ("dcterms:publisher", lit("新華報業網", "zh-Hant")),
            ("schema:editor", [lit("朱殿平", "zh-Hant"), lit("張鑫", "zh-Hant")]),
            ("dcterms:date", lit("2020-04-12", dt="xsd:date")),
            ("schema:datePublished", lit("2020-04-12T16:58:00+08:00", dt="xsd:dateTime")),
            ("dcterms:language", lit("zh-Hant")),
            ("yrd:seedFile", lit(f["002"])),
            (
                "rdfs:comment",
                lit(
                    "Traditional script. 2020年04月12日16:58, 來源 新華報業網, 責編 朱殿平、張鑫; no author named.",
                    "en",
                ),
            ),
        ],
    )
    d.block(
        "source:s003",
        [
            ("a", ["yrd:Source", "schema:NewsArticle"]),
            ("dcterms:title", lit("深化南北产业协作促进区域高质量协同发展", "zh-Hans")),
            ("rdfs:label", lit("深化南北产业协作促进区域高质量协同发展", "zh-Hans")),
            ("dcterms:publisher", lit("中国产业园区招商网", "zh-Hans")),
            ("dcterms:creator", lit("苏北发展研究院执行院长", "zh-Hans")),
            ("schema:sourceOrganization", "org:subeifazhanyanjiuyuan"),
            ("dcterms:date", lit("--09-24", dt="xsd:gMonthDay")),
            ("dcterms:language", lit("zh-Hans")),
            ("schema:articleSection", lit("镇江产业信息", "zh-Hans")),
            ("yrd:seedFile", lit(f["003"])),
            (
                "rdfs:comment",
                lit(
                    "Author named only by role (作者为苏北发展研究院执行院长); research project 22WTA009. Publisher: same site and "
                    "contact block as seed 000 (the page itself says it was collected from the web). Written in or after 2023 "
                    "(cites the 2023年省政府工作报告); page shows '(09-24)' without a year.",
                    "en",
                ),
            ),
        ],
    )
    d.block(
        "source:s004",
        [
            ("a", ["yrd:Source", "schema:Report"]),
            ("dcterms:title", lit("全市深度融入长三角一体化发展行动方案", "zh-Hans")),
            ("rdfs:label", lit("全市深度融入长三角一体化发展行动方案(盐城)", "zh-Hans")),
            ("dcterms:spatial", "place:yancheng"),
            ("dcterms:language", lit("zh-Hans")),
            ("yrd:seedFile", lit(f["004"])),
            (
                "rdfs:comment",
                lit(
                    "A city action plan reposted without publisher, date or author ('小编为大家整理'). The city ('我市', '全市') "
                    "is resolved to 盐城 from the text's own evidence: '中国制造2025盐城行动计划', '盐城市驻上海、南京联络处', "
                    "'在盐设立分支机构', '开通盐城至上海的互联网直连电路'. Targets are written '到20xx年'.",
                    "en",
                ),
            ),
        ],
    )
    d.write(OUT / "sources.ttl")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    n = places.build(OUT / "places.ttl")
    build_orgs()
    build_schemes()
    build_sources()
    print(f"places: {n}; wrote {sorted(p.name for p in OUT.glob('*.ttl'))}")


if __name__ == "__main__":
    main()
