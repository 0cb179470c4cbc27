# ruff: noqa: E501  (data tables and SPARQL/quote strings)
"""The co-operation facts of the five seed articles, one output file per article."""

from __future__ import annotations

from ttl import Doc, lit


def P(*slugs):
    return [f"place:{s}" for s in slugs]


def ORG(*slugs):
    return [f"org:{s}" for s in slugs]


def build(OUT, *, rel, more, stat, lead, opmodel, host, ptype, Y):
    s000(OUT, rel, more, stat, lead, opmodel, host, ptype, Y)
    s001(OUT, rel, more, stat, lead, opmodel, host, ptype, Y)
    s002(OUT, rel, more, stat, lead, opmodel, host, ptype, Y)
    s003(OUT, rel, more, stat, lead, opmodel, host, ptype, Y)
    s004(OUT, rel, more, stat, lead, opmodel, host, ptype, Y)


# =============================================================================================
def s000(OUT, rel, more, stat, lead, opmodel, host, ptype, Y):
    d = Doc(
        "# Facts of seed 000: 江苏深化南北结对帮扶合作 (Jiangsu deepened north–south pairing).\n"
        "# 苏南四市 / 苏北四市 are place:sunansishi / place:subeisishi (members resolved from the article's own\n"
        "# city-pairing sentence). 苏北10个县 are not named, so they stay one unnamed group\n"
        "# (place:subeizhongdianxian, yrd:memberCount 10)."
    )
    Q_PAIR = ("000", "市级层面,南京与淮安", "分别结对帮扶合作。")
    DOMS = [
        "industry-chain",
        "park-cobuilding",
        "science-innovation",
        "education",
        "health-care",
        "culture-tourism-wellness",
        "human-resources",
        "cadre-exchange",
    ]
    for a, b, za, zb, ea, eb in [
        ("nanjing", "huaian", "南京", "淮安", "Nanjing", "Huai'an"),
        ("wuxi", "lianyungang", "无锡", "连云港", "Wuxi", "Lianyungang"),
        ("changzhou", "yancheng", "常州", "盐城", "Changzhou", "Yancheng"),
        ("suzhou", "suqian", "苏州", "宿迁", "Suzhou", "Suqian"),
    ]:
        rel(
            d,
            f"pairing:{a}-{b}",
            "Pairing",
            f"{za}—{zb}结对帮扶合作",
            f"{ea}–{eb} pairing",
            assisting=f"place:{a}",
            assisted=f"place:{b}",
            level="CityLevel",
            scheme="jiangsunanbeijiedui",
            domains=DOMS,
            status="Established",
            quotes=[Q_PAIR],
            comment="City-level pairing of the deepened Jiangsu scheme (seed 000). Domains: the fields the article lists for all pairs.",
        )
    rel(
        d,
        "pairing:sunanjieduixian-subeizhongdianxian",
        "Pairing",
        "苏南县(市、区)—苏北10个重点县结对帮扶",
        "Southern Jiangsu county-level units – 10 key northern Jiangsu counties pairing",
        assisting="place:sunanjieduixian",
        assisted="place:subeizhongdianxian",
        level="CountyLevel",
        scheme="jiangsunanbeijiedui",
        status="Established",
        quotes=[("000", "县级层面,苏北10个县作为重点结对帮扶县", "其他县级结对由结对设区市商定。")],
        comment="The article does not name the 10 counties nor their partners: modelled as one pairing of two unnamed groups.",
    )

    # parks approved in the deepened scheme (same parks as in seed 003; seed 003 adds its derivations)
    Q_APPROVED = ("000", "目前,已批复苏宿工业园区", "2家省级特色园区。")
    rel(
        d,
        "park:susu",
        "Park",
        "苏宿工业园区",
        "Suzhou–Suqian Industrial Park",
        parties=P("suzhou", "suqian"),
        level="CityLevel",
        scheme=["jiangsunanbeijiedui", "jiangsunanbeigongjianyuanqu"],
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        alts=["苏州宿迁工业园区", "苏州宿迁工业园"],
        extra=[host("place:suqian"), ptype("InnovationPilotPark", "SouthNorthCoBuiltPark")],
        quotes=[
            ("000", "苏宿工业园区是苏州、宿迁两市结对帮扶合作的重要平台。"),
            ("000", "目前,苏宿工业园区正以拓园发展为契机,推动两地共建合作向更深更广领域拓展"),
            Q_APPROVED,
        ],
        comment="Host place: the 苏北 partner (宿迁), as for all south–north co-built parks.",
    )
    rel(
        d,
        "park:ninghuai",
        "Park",
        "宁淮智能制造产业园",
        "Nanjing–Huai'an Intelligent Manufacturing Industrial Park",
        parties=P("nanjing", "huaian"),
        level="CityLevel",
        scheme=["jiangsunanbeijiedui", "jiangsunanbeigongjianyuanqu"],
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        alts=["宁淮智能制造产业园区"],
        extra=[host("place:huaian"), ptype("InnovationPilotPark", "SouthNorthCoBuiltPark")],
        quotes=[Q_APPROVED],
    )
    rel(
        d,
        "park:changzhouyancheng",
        "Park",
        "常州盐城工业园区",
        "Changzhou–Yancheng Industrial Park",
        parties=P("changzhou", "yancheng"),
        level="CityLevel",
        scheme=["jiangsunanbeijiedui", "jiangsunanbeigongjianyuanqu"],
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        alts=["常州盐城工业园"],
        extra=[host("place:yancheng"), ptype("InnovationPilotPark", "SouthNorthCoBuiltPark")],
        quotes=[Q_APPROVED],
    )
    rel(
        d,
        "park:changshusihong",
        "Park",
        "常熟泗洪工业园区",
        "Changshu–Sihong Industrial Park",
        parties=P("changshu", "sihong"),
        level="CountyLevel",
        scheme=["jiangsunanbeijiedui", "jiangsunanbeigongjianyuanqu"],
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        alts=["常熟泗洪工业园"],
        extra=[host("place:sihong"), ptype("FeaturedPark", "SouthNorthCoBuiltPark")],
        quotes=[Q_APPROVED],
    )
    rel(
        d,
        "park:wujiangsiyang",
        "Park",
        "吴江泗阳工业园区",
        "Wujiang–Siyang Industrial Park",
        parties=P("wujiang", "siyang"),
        level="CountyLevel",
        scheme=["jiangsunanbeijiedui", "jiangsunanbeigongjianyuanqu"],
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        alts=["吴江泗阳工业园"],
        extra=[host("place:siyang"), ptype("FeaturedPark", "SouthNorthCoBuiltPark")],
        quotes=[Q_APPROVED],
    )
    stat(
        d,
        "s000-innovation-pilot-parks",
        "已批复的省级创新试点园区数",
        "Approved provincial innovation pilot parks",
        3,
        "家",
        "C62",
        ["yrd:InnovationPilotPark", "scheme:jiangsunanbeijiedui"],
        [Q_APPROVED],
    )
    stat(
        d,
        "s000-featured-parks",
        "已批复的省级特色园区数",
        "Approved provincial featured parks",
        2,
        "家",
        "C62",
        ["yrd:FeaturedPark", "scheme:jiangsunanbeijiedui"],
        [Q_APPROVED],
    )
    rel(
        d,
        "rel:jiangsu-park-policy",
        "CooperationActivity",
        "设区市合力共建省级创新试点园区、县级开展省级特色园区建设",
        "City pairs co-build one provincial innovation pilot park each; counties build provincial featured parks",
        parties=P("sunansishi", "subeisishi"),
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["park-cobuilding", "industry-chain"],
        status="Planned",
        quotes=[
            (
                "000",
                "在推动产业链高水平双向融合上,设区市层面合力共建1家省级创新试点园区",
                "推动产业链优势互补和价值链合理分工。",
            )
        ],
    )
    stat(
        d,
        "s000-subei-suzhong-share",
        "苏中苏北经济总量占全省比重",
        "Share of central and northern Jiangsu in provincial GDP",
        "43.1",
        "%",
        "P1",
        P("suzhong", "subei"),
        [("000", "目前,苏中苏北经济总量占全省比重提高到43.1%")],
    )

    rel(
        d,
        "rel:kechuangfeidi",
        "InnovationCooperation",
        "苏北四市到苏南四市建立“科创飞地”",
        "Northern Jiangsu cities set up innovation enclaves in southern Jiangsu cities",
        origin="place:subeisishi",
        dest="place:sunansishi",
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["science-innovation", "talent"],
        status="Planned",
        quotes=[("000", "支持苏北四市到苏南四市建立“科创飞地”,开展研发创新、成果转化和招才引智")],
    )
    rel(
        d,
        "rel:jiangsu-joint-research",
        "InnovationCooperation",
        "结对双方联合申报科技专项、共建创新载体",
        "Paired sides jointly apply for science projects and co-build innovation carriers",
        parties=P("sunansishi", "subeisishi"),
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["science-innovation"],
        status="Planned",
        quotes=[("000", "支持结对双方联合申报科技专项", "重点实验室等创新载体")],
    )
    rel(
        d,
        "rel:jiangsu-school-pairing",
        "InstitutionPairing",
        "南北结对公办学校与高校、中职学校结对共建",
        "School, university and vocational school pairings between the paired Jiangsu cities",
        assisting="place:sunansishi",
        assisted="place:subeisishi",
        level="InstitutionLevel",
        scheme="jiangsunanbeijiedui",
        domains=["education", "vocational-education"],
        status="Planned",
        quotes=[("000", "在基础教育学段结对一批公办学校开展合作共建", "中职学校开展结对共建。")],
        comment="The schools are not named by the article.",
    )
    rel(
        d,
        "rel:jiangsu-hospital-support",
        "InstitutionPairing",
        "三级甲等医院对口支持苏北四市县级医院",
        "Top-grade hospitals support county hospitals of the four northern Jiangsu cities",
        assisting="place:sunansishi",
        assisted="place:subeisishi",
        parties=P("jiangsu"),
        level="InstitutionLevel",
        scheme="jiangsunanbeijiedui",
        domains=["health-care"],
        status="Planned",
        quotes=[
            ("000", "省属和苏南四市市属三级甲等医院对口支持苏北四市县级人民医院、中医院"),
            ("000", "选派专家到苏北四市农村区域性医疗卫生中心设立专家工作室或联合病房"),
        ],
        comment="Province-run (省属) hospitals take part too, hence place:jiangsu as a party; hospitals are not named.",
    )
    rel(
        d,
        "rel:jiangsu-cdc-support",
        "InstitutionPairing",
        "疾控中心对口帮扶苏北四市县级疾控中心",
        "Disease-control centres support county centres of the four northern Jiangsu cities",
        assisting="place:sunansishi",
        assisted="place:subeisishi",
        orgs=ORG("jiangsujikong"),
        parties=P("jiangsu"),
        level="InstitutionLevel",
        scheme="jiangsunanbeijiedui",
        domains=["disease-control"],
        status="Planned",
        quotes=[("000", "省疾控中心和苏南四市市疾控中心对口帮扶苏北四市县级疾控中心")],
    )
    rel(
        d,
        "rel:jiangsu-tourism",
        "CooperationActivity",
        "南北合作开发精品旅游线路与文旅康养项目",
        "Joint tourism routes and culture-tourism-wellness projects",
        parties=P("sunansishi", "subeisishi"),
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["culture-tourism-wellness"],
        status="Planned",
        quotes=[
            ("000", "放大优质文化旅游资源协同效应,合作开发精品旅游线路", "实施文旅康养项目合作。")
        ],
    )
    rel(
        d,
        "rel:jiangsu-hr",
        "CooperationActivity",
        "劳动力资源南北对接与社保卡“一卡通”",
        "South–north labour matching and a social-security-card based residents' service card",
        parties=P("sunansishi", "subeisishi"),
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["human-resources", "talent"],
        status="Planned",
        quotes=[("000", "完善劳动力资源南北对接机制", "深化人力资源服务跨区域合作。")],
    )
    rel(
        d,
        "rel:jiangsu-work-teams",
        "CadreExchange",
        "苏南四市向苏北四市派出工作队",
        "Southern cities send work teams to the northern cities",
        origin="place:sunansishi",
        dest="place:subeisishi",
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["cadre-exchange"],
        status="Planned",
        quotes=[("000", "苏南四市向苏北四市派出工作队,在重点结对县设立联络组")],
    )
    rel(
        d,
        "rel:jiangsu-liaison-groups",
        "LiaisonOffice",
        "在重点结对县设立联络组",
        "Liaison groups in the key assisted counties",
        origin="place:sunansishi",
        dest="place:subeizhongdianxian",
        level="CountyLevel",
        scheme="jiangsunanbeijiedui",
        domains=["cadre-exchange"],
        status="Planned",
        quotes=[("000", "苏南四市向苏北四市派出工作队,在重点结对县设立联络组")],
    )
    rel(
        d,
        "rel:jiangsu-cadre-secondment",
        "CadreExchange",
        "南北干部人才互派挂职交流",
        "Two-way secondment of cadres and professionals",
        parties=P("sunansishi", "subeisishi"),
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["cadre-exchange"],
        status="Planned",
        quotes=[
            ("000", "建立干部人才互派交流机制"),
            (
                "000",
                "苏南四市定期选派党政干部和专业人才到苏北四市挂职交流",
                "到结对市挂职和跟班学习。",
            ),
        ],
    )
    rel(
        d,
        "rel:jiangsu-elderly-maternal-care",
        "InstitutionPairing",
        "结对市老年医疗服务机构、县级妇幼保健机构深化合作",
        "Elderly-care medical institutions and county maternal and child health institutions of paired cities co-operate",
        parties=P("sunansishi", "subeisishi"),
        level="InstitutionLevel",
        scheme="jiangsunanbeijiedui",
        domains=["health-care"],
        status="Planned",
        quotes=[("000", "鼓励结对市的老年医疗服务机构、县级妇幼保健机构深化合作")],
        comment="Institutions not named.",
    )
    rel(
        d,
        "rel:jiangsu-other-parks",
        "CooperationActivity",
        "鼓励其他产业园区开展多种形式合作",
        "Other industrial parks co-operate in various forms",
        parties=P("sunan", "subei"),
        level="CityLevel",
        scheme="jiangsunanbeijiedui",
        domains=["park-cobuilding", "industry-chain"],
        status="Planned",
        quotes=[
            (
                "000",
                "在抓好南北共建园区高质量发展的同时,鼓励其他产业园区开展多种形式合作,探索市场化产业联动发展新路径。",
            )
        ],
    )
    stat(
        d,
        "s000-nanbei-liandong-years",
        "南北联动持续年数",
        "Years of south–north linkage",
        20,
        "年",
        "ANN",
        ["scheme:jiangsunanbeiguagou", "place:sunan", "place:subei"],
        [("000", "20多年来,南北联动成果丰硕")],
        minimum=True,
        comment="'20多年' = more than 20 years: a lower bound.",
    )
    d.write(OUT / "seed-000.ttl")


# =============================================================================================
def s001(OUT, rel, more, stat, lead, opmodel, host, ptype, Y):
    d = Doc(
        "# Facts of seed 001 (traditional script): Anhui's 2023 work plan for the pairing of 沪苏浙 cities\n"
        "# with 皖北 cities. Quotes are tagged @zh-Hant and keep the article's characters (e.g. 産).\n"
        "# '去年' = 2022 and '今年' = 2023 (article dated 2023-02-22). Only pairings the text states are\n"
        "# modelled (宁波–蚌埠, 杭州–宿州, 苏州–阜阳); 淮南's study visit to 闵行 is a cadre exchange, not a\n"
        "# pairing, because the article does not call the two a pair."
    )
    SCH = "husuzhewanbei"
    rel(
        d,
        "pairing:ningbo-bengbu",
        "Pairing",
        "宁波—蚌埠结对合作帮扶",
        "Ningbo–Bengbu pairing",
        assisting="place:ningbo",
        assisted="place:bengbu",
        level="CityLevel",
        scheme=SCH,
        domains=[
            "industry-chain",
            "park-cobuilding",
            "investment-promotion",
            "opening-up",
            "vocational-education",
        ],
        status="Established",
        quotes=[
            (
                "001",
                "去年以來,多個皖北城市與滬蘇浙的對口市(區)開展産業合作,其中不乏體制機制的創新。",
            ),
            (
                "001",
                "在去年11月舉辦的第二屆國際新材料産業大會上,蚌埠與寧波簽訂《甬蚌産業合作園區建設方案》,這成為皖北八市中首個獲省政府批復的皖北結對合作幫扶共建園區。",
            ),
        ],
    )
    rel(
        d,
        "pairing:hangzhou-suzhouah",
        "Pairing",
        "杭州—宿州结对合作帮扶",
        "Hangzhou–Suzhou (Anhui) pairing",
        assisting="place:hangzhou",
        assisted="place:suzhou-ah",
        level="CityLevel",
        scheme=SCH,
        domains=["governance"],
        status="Established",
        quotes=[("001", "比如杭州與宿州的結對合作,已延伸到縣區,兩市率先建立行政區縣結對合作機制")],
    )
    rel(
        d,
        "pairing:hangzhouchengqu-suzhouahxianqu",
        "Pairing",
        "杭州市8个城区—宿州市8个县区、市管园区结对",
        "Eight Hangzhou districts – eight Suzhou (Anhui) counties, districts and parks pairing",
        assisting="place:hangzhouchengqu",
        assisted="place:suzhouahxianqu",
        level="DistrictLevel",
        scheme=SCH,
        domains=["governance"],
        status="Established",
        year=2023,
        quotes=[
            ("001", "明確杭州市8個城區與宿州市8個縣區、市管園區建立結對關係。"),
            (
                "001",
                "推動宿州市8個縣(區、開發區)與杭州市轄區“一對一”合作形成顯著成果和制度創新經驗",
            ),
        ],
        comment="One-to-one pairs exist but are not named: one pairing between the two unnamed groups.",
    )
    rel(
        d,
        "pairing:suzhou-fuyang",
        "Pairing",
        "苏州—阜阳结对合作帮扶",
        "Suzhou–Fuyang pairing",
        assisting="place:suzhou",
        assisted="place:fuyang",
        level="CityLevel",
        scheme=SCH,
        domains=["governance", "vocational-education"],
        status="Established",
        quotes=[("001", "支援蘇州、阜陽等結對城市下轄區域板塊開展“一對一”合作。")],
    )
    rel(
        d,
        "rel:suzhou-fuyang-subunits",
        "CooperationActivity",
        "苏州、阜阳下辖区域板块“一对一”合作",
        "One-to-one co-operation of sub-units of Suzhou and Fuyang",
        parties=P("suzhou", "fuyang"),
        level="CountyLevel",
        scheme=SCH,
        domains=["governance"],
        status="Planned",
        year=2023,
        quotes=[("001", "支援蘇州、阜陽等結對城市下轄區域板塊開展“一對一”合作。")],
    )

    rel(
        d,
        "park:yongbeng",
        "Park",
        "甬蚌产业合作园区",
        "Ningbo–Bengbu Industrial Co-operation Park",
        parties=P("ningbo", "bengbu"),
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        alts=["T:甬蚌産業合作園區"],
        extra=[
            host("place:guzhenjingkaiqu"),
            ptype("CrossProvinceCooperationPark"),
            opmodel("管委会+公司平台"),
            ("yrd:operationModel", lit("管委會+公司平臺", "zh-Hant")),
        ],
        quotes=[
            (
                "001",
                "在去年11月舉辦的第二屆國際新材料産業大會上,蚌埠與寧波簽訂《甬蚌産業合作園區建設方案》,這成為皖北八市中首個獲省政府批復的皖北結對合作幫扶共建園區。",
            ),
            (
                "001",
                "依託安徽固鎮經濟開發區,雙方將採用“管委會+公司平臺”運營模式,共建甬蚌産業合作園區。",
            ),
        ],
        comment="First 皖北 pairing park approved by the Anhui government; approval year not stated.",
    )
    rel(
        d,
        "agreement:yongbeng-jianshefangan",
        "Agreement",
        "《甬蚌产业合作园区建设方案》",
        "Construction plan of the Ningbo–Bengbu Industrial Co-operation Park",
        parties=P("bengbu", "ningbo"),
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding"],
        status="Established",
        year=2022,
        period="去年11月(2022年11月)",
        alts=["T:甬蚌産業合作園區建設方案"],
        extra=[("schema:about", "park:yongbeng")],
        quotes=[
            (
                "001",
                "在去年11月舉辦的第二屆國際新材料産業大會上,蚌埠與寧波簽訂《甬蚌産業合作園區建設方案》",
            )
        ],
        comment="Signed at the 2nd International New Materials Industry Conference, November 2022.",
    )
    rel(
        d,
        "park:ningbobengbuweidianzi",
        "Park",
        "宁波蚌埠微电子产业园",
        "Ningbo–Bengbu Microelectronics Industrial Park",
        parties=P("ningbo", "bengbu"),
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding", "industry-chain"],
        status="Planned",
        alts=["T:寧波蚌埠微電子産業園"],
        extra=[
            ptype("CrossProvinceCooperationPark"),
            lead("智慧传感器"),
            ("yrd:leadIndustry", lit("智慧感測器", "zh-Hant")),
        ],
        quotes=[
            (
                "001",
                "在省際園區合作上,雙方還簽訂了寧波蚌埠微電子産業園共建框架協議",
                "新能源汽車産業協作。",
            )
        ],
        comment="Host place not stated.",
    )
    rel(
        d,
        "agreement:ningbobengbu-weidianzi-kuangjia",
        "Agreement",
        "宁波蚌埠微电子产业园共建框架协议",
        "Framework agreement on co-building the Ningbo–Bengbu Microelectronics Industrial Park",
        parties=P("ningbo", "bengbu"),
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        year=2022,
        extra=[("schema:about", "park:ningbobengbuweidianzi")],
        quotes=[("001", "在省際園區合作上,雙方還簽訂了寧波蚌埠微電子産業園共建框架協議")],
        comment="Signed together with the 甬蚌 plan ('雙方還簽訂'), i.e. in 2022.",
    )
    rel(
        d,
        "rel:yongbeng-company",
        "EnterpriseCooperation",
        "成立安徽省甬蚌合作产业发展有限公司",
        "Joint company for the Ningbo–Bengbu park",
        parties=P("ningbo", "bengbu"),
        orgs=ORG("yongbenghezuochanye"),
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding"],
        status="Established",
        quotes=[("001", "就在不久前,安徽省甬蚌合作産業發展有限公司正式成立", "走深走實。")],
    )
    rel(
        d,
        "rel:bengbu-liaison-ningbo",
        "LiaisonOffice",
        "蚌埠市驻宁波招商引资联络处",
        "Bengbu investment liaison office in Ningbo",
        origin="place:bengbu",
        dest="place:ningbo",
        level="CityLevel",
        scheme=SCH,
        domains=["investment-promotion"],
        status="Established",
        year=2022,
        quotes=[("001", "去年以來,蚌埠市設立駐寧波招商引資聯絡處", "持續跟蹤重點在談項目。")],
    )
    rel(
        d,
        "rel:ningbo-projects-bengbu",
        "IndustryTransfer",
        "宁波项目签约落地蚌埠",
        "Ningbo projects signed and landed in Bengbu",
        origin="place:ningbo",
        dest="place:bengbu",
        orgs=ORG("yusheng", "xinsulian", "rongguangnami"),
        level="CityLevel",
        scheme=SCH,
        domains=["industry-transfer", "investment-promotion"],
        status="Established",
        year=2022,
        quotes=[
            (
                "001",
                "去年,共簽約落地煜晟汽車零部件、芯速聯、融光奈米等寧波項目11個,協議總投資21.6億元。",
            )
        ],
    )
    Q_PROJ = (
        "001",
        "去年,共簽約落地煜晟汽車零部件、芯速聯、融光奈米等寧波項目11個,協議總投資21.6億元。",
    )
    stat(
        d,
        "s001-ningbo-projects",
        "2022年蚌埠签约落地宁波项目数",
        "Ningbo projects signed in Bengbu in 2022",
        11,
        "个",
        "C62",
        ["rel:ningbo-projects-bengbu"],
        [Q_PROJ],
        year=2022,
    )
    stat(
        d,
        "s001-ningbo-investment",
        "2022年宁波项目协议总投资",
        "Agreed total investment of the Ningbo projects, 2022",
        "21.6",
        "亿元",
        None,
        ["rel:ningbo-projects-bengbu"],
        [Q_PROJ],
        currency="CNY",
        year=2022,
        comment="21.6亿元 = 2.16 billion yuan; schema:value is in units of 亿元 (10^8 CNY).",
    )
    rel(
        d,
        "rel:wanbei-parks-listing",
        "CooperationActivity",
        "结对合作园区全部挂牌并实体化运营",
        "All pairing parks listed and operating",
        parties=P("wanbei", "husuzhe"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["park-cobuilding"],
        status="Planned",
        year=2023,
        quotes=[
            ("001", "今年,我省將推動結對合作園區全部掛牌成立並實體化運營,落地一批標誌性項目。")
        ],
    )
    rel(
        d,
        "rel:wanbei-supply-chain",
        "CooperationActivity",
        "皖北融入沪苏浙产业链供应链与数字经济合作",
        "Northern Anhui joins Shanghai/Jiangsu/Zhejiang supply chains; digital economy co-operation",
        parties=P("wanbei", "husuzhe"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["industry-chain", "digital-economy"],
        status="Planned",
        year=2023,
        quotes=[
            (
                "001",
                "為推動皖北城市加快融入滬蘇浙城市産業鏈供應鏈",
                "推動皖北城市加強與滬蘇浙城市數字經濟合作。",
            )
        ],
    )
    stat(
        d,
        "s001-zhuanjingtexin",
        "培育“专精特新”企业目标",
        "Target of specialised and innovative SMEs to foster",
        60,
        "家",
        "C62",
        P("wanbei"),
        [("001", "培育60家以上“專精特新”企業")],
        target=True,
        minimum=True,
        year=2023,
    )
    rel(
        d,
        "rel:wanbei-credit",
        "CooperationActivity",
        "在皖全国性银行与沪苏浙分行联合授信",
        "Joint credit by national banks' Anhui and Shanghai/Jiangsu/Zhejiang branches",
        parties=P("wanbei", "husuzhe", "anhui"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["finance"],
        status="Planned",
        year=2023,
        quotes=[
            (
                "001",
                "我省將推動在皖全國性銀行與滬蘇浙分行開展聯合授信",
                "加大對皖北城市金融支援力度",
            )
        ],
    )
    rel(
        d,
        "rel:wanbei-funds",
        "EnterpriseCooperation",
        "省级母基金对接皖北城市并与结对城市开展基金合作",
        "Provincial mother funds set up sub-funds in northern Anhui and co-operate with paired cities",
        parties=P("wanbei", "husuzhe"),
        orgs=ORG("anhuixinxingchanyejijin", "anhuiguoziwei61jijin"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["finance"],
        status="Planned",
        year=2023,
        quotes=[
            (
                "001",
                "還將鼓勵省新興産業引導基金、省國資委“6+1”基金各母基金對接皖北城市",
                "支援結對合作幫扶重點産業項目建設。",
            )
        ],
    )
    rel(
        d,
        "rel:huainan-minhang-2022",
        "CadreExchange",
        "淮南市第三批干部赴上海市闵行区跟班学习",
        "Third group of Huainan cadres on a study secondment in Minhang, Shanghai",
        origin="place:huainan",
        dest="place:minhang",
        level="CityLevel",
        scheme=SCH,
        domains=["cadre-exchange"],
        status="Established",
        year=2022,
        date="2022-10-18",
        period="为期半年",
        quotes=[
            (
                "001",
                "去年10月18日,淮南市第三批選派的14名同志奔赴上海市閔行區,開展為期半年的跟班學習",
            ),
            (
                "001",
                "“與最優者對標、與最強者比拼、與最快者賽跑,閔行幹部昂揚向上、勇超先鋒的精神狀態令人振奮、值得學習。”淮南市潘集區政協主席董善積感觸頗深。",
            ),
        ],
    )
    stat(
        d,
        "s001-huainan-cadres",
        "淮南市第三批赴闵行跟班学习人数",
        "Huainan cadres in the third group sent to Minhang",
        14,
        "名",
        "C62",
        ["rel:huainan-minhang-2022"],
        [("001", "去年10月18日,淮南市第三批選派的14名同志奔赴上海市閔行區,開展為期半年的跟班學習")],
        year=2022,
    )
    rel(
        d,
        "rel:wanbei-cadre-2023",
        "CadreExchange",
        "皖北城市与沪苏浙结对城市互派干部挂职交流",
        "Cadre exchange between northern Anhui cities and their paired cities",
        origin="place:wanbei",
        dest="place:husuzhe",
        level="CityLevel",
        scheme=SCH,
        domains=["cadre-exchange"],
        status="Planned",
        year=2023,
        quotes=[
            ("001", "今年,我省將完善皖北城市與滬蘇浙結對城市互派幹部挂職交流機制", "實踐鍛鍊。")
        ],
    )
    rel(
        d,
        "rel:wanbei-health",
        "CooperationActivity",
        "皖北与沪苏浙城市医疗合作",
        "Health-care co-operation of northern Anhui with Shanghai/Jiangsu/Zhejiang cities",
        parties=P("wanbei", "husuzhe"),
        level="CityLevel",
        scheme=SCH,
        domains=["health-care"],
        status="Planned",
        year=2023,
        quotes=[
            (
                "001",
                "今年,皖北地區將在學科建設、人才培養、科研教學等多方面與滬蘇浙城市深入合作",
                "推動優質醫療資源共建共用。",
            )
        ],
    )
    rel(
        d,
        "rel:wanbei-teacher-training",
        "CooperationActivity",
        "皖北选派校长、园长、教师赴帮扶城市交流培训",
        "Northern Anhui heads and teachers trained in the assisting cities",
        origin="place:wanbei",
        dest="place:husuzhe",
        level="CityLevel",
        scheme=SCH,
        domains=["education"],
        status="Planned",
        year=2023,
        quotes=[("001", "在教育合作方面,皖北城市將選派一批校長、園長、教師赴幫扶城市交流培訓")],
    )
    Q_COLL = (
        "001",
        "阜陽技師學院和蘇州技師學院、淮北技師學院和徐州技師學院、蚌埠技師學院和寧波技師學院、宿州泗縣和杭州技師學院將深化技能人才培訓合作,打造長三角職業教育一體化協同發展示範樣板。",
    )
    for slug, zh, en, a_org, a_pl, b_org, b_pl in [
        (
            "fuyang-suzhou",
            "阜阳技师学院—苏州技师学院",
            "Fuyang–Suzhou technician colleges",
            "fuyangjishixueyuan",
            "fuyang",
            "suzhoujishixueyuan",
            "suzhou",
        ),
        (
            "huaibei-xuzhou",
            "淮北技师学院—徐州技师学院",
            "Huaibei–Xuzhou technician colleges",
            "huaibeijishixueyuan",
            "huaibei",
            "xuzhoujishixueyuan",
            "xuzhou",
        ),
        (
            "bengbu-ningbo",
            "蚌埠技师学院—宁波技师学院",
            "Bengbu–Ningbo technician colleges",
            "bengbujishixueyuan",
            "bengbu",
            "ningbojishixueyuan",
            "ningbo",
        ),
    ]:
        rel(
            d,
            f"rel:jishixueyuan-{slug}",
            "InstitutionPairing",
            zh + "技能人才培训合作",
            en + " skills-training pairing",
            parties=P(a_pl, b_pl),
            orgs=ORG(a_org, b_org),
            level="InstitutionLevel",
            scheme=SCH,
            domains=["vocational-education"],
            status="Established",
            year=2023,
            quotes=[Q_COLL],
        )
    rel(
        d,
        "rel:jishixueyuan-sixian-hangzhou",
        "InstitutionPairing",
        "宿州泗县—杭州技师学院技能人才培训合作",
        "Si County (Suzhou, Anhui) – Hangzhou Technician College skills-training pairing",
        parties=P("sixian", "hangzhou"),
        orgs=ORG("hangzhoujishixueyuan"),
        level="InstitutionLevel",
        scheme=SCH,
        domains=["vocational-education"],
        status="Established",
        year=2023,
        quotes=[Q_COLL],
        comment="The text pairs the county 泗縣 itself (not a named school) with 杭州技師學院.",
    )
    rel(
        d,
        "rel:wanbei-agri-bases",
        "CooperationActivity",
        "新增长三角绿色农产品生产加工供应基地",
        "New Yangtze Delta green agricultural supply bases in northern Anhui",
        parties=P("wanbei", "husuzhe"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["agriculture"],
        status="Planned",
        year=2023,
        quotes=[
            (
                "001",
                "在農業合作領域,將新增40個以上長三角綠色農産品生産加工供應基地,支援引進滬蘇浙農業經營主體參與基地投資建設",
            )
        ],
    )
    stat(
        d,
        "s001-agri-bases",
        "新增长三角绿色农产品生产加工供应基地",
        "New green agricultural supply bases (target)",
        40,
        "个",
        "C62",
        ["rel:wanbei-agri-bases"],
        [("001", "將新增40個以上長三角綠色農産品生産加工供應基地")],
        target=True,
        minimum=True,
        year=2023,
    )
    rel(
        d,
        "rel:anhui-agri-centre-shanghai",
        "CooperationActivity",
        "在上海挂牌成立安徽长三角绿色农产品服务中心",
        "Anhui green agricultural products service centre in Shanghai",
        origin="place:anhui",
        dest="place:shanghai",
        orgs=ORG("anhuilvsenongchanpinfuwuzhongxin"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["agriculture"],
        status="Planned",
        year=2023,
        quotes=[
            (
                "001",
                "在上海掛牌成立安徽長三角綠色農産品服務中心,推動更多優質特色農産品融入滬蘇浙保供體系。",
            )
        ],
    )
    rel(
        d,
        "rel:wanbei-tourism",
        "CooperationActivity",
        "结对城市打造精品旅游路线、联合文旅推介",
        "Each city pair builds a tourism route and holds a joint promotion",
        parties=P("wanbei", "husuzhe"),
        level="CityLevel",
        scheme=SCH,
        domains=["culture-tourism-wellness"],
        status="Planned",
        year=2023,
        quotes=[
            (
                "001",
                "在文旅合作方面,將推動結對城市挖掘皖北優勢文旅資源,每對城市打造至少1條精品旅遊路線,聯合開展至少1次文旅推介活動。",
            )
        ],
    )
    rel(
        d,
        "rel:wanbei-foreign-firms",
        "CooperationActivity",
        "“沪苏浙外资企业皖北行”活动",
        "Shanghai/Jiangsu/Zhejiang foreign-invested firms' tour of northern Anhui",
        parties=P("husuzhe", "wanbei"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["opening-up"],
        status="Planned",
        year=2023,
        quotes=[("001", "今年,我省將組織開展“滬蘇浙外資企業皖北行”活動,促進外商交流和項目對接")],
    )
    rel(
        d,
        "rel:bengbu-ningbo-ftz",
        "CooperationActivity",
        "蚌埠自贸片区与宁波自贸片区联动发展",
        "Linked development of the Bengbu and Ningbo free-trade-zone areas",
        parties=P("bengbuzimaopianqu", "ningbozimaopianqu", "bengbu", "ningbo"),
        level="CityLevel",
        scheme=SCH,
        domains=["opening-up"],
        status="Planned",
        year=2023,
        quotes=[("001", "加快促進蚌埠自貿片區與寧波自貿片區聯動發展")],
    )
    rel(
        d,
        "rel:g60-luan",
        "InnovationCooperation",
        "长三角G60科创走廊辐射连结六安市",
        "G60 corridor extended to Lu'an",
        parties=P("g60kechuangzoulang", "luan"),
        level="CityLevel",
        scheme=SCH,
        domains=["science-innovation"],
        status="Planned",
        year=2023,
        quotes=[
            ("001", "今年,我省將推動長三角G60科創走廊輻射連結六安市,探索打造科創産業融合平臺。")
        ],
    )
    rel(
        d,
        "rel:wanbei-county-pairing-policy",
        "CooperationActivity",
        "鼓励结对城市所辖县、区、开发区结对合作",
        "Counties, districts and development zones of paired cities encouraged to pair",
        parties=P("wanbei", "husuzhe"),
        level="CountyLevel",
        scheme=SCH,
        domains=["governance"],
        status="Planned",
        year=2023,
        quotes=[("001", "鼓勵結對城市所轄縣、區、開發區結對合作")],
    )
    rel(
        d,
        "rel:wanbei-overseas-logistics",
        "CooperationActivity",
        "依托“海外智慧物流平台”共享海外仓信息资源",
        "Sharing overseas-warehouse information via the overseas smart logistics platform",
        parties=P("wanbei", "husuzhe"),
        level="ProvinceLevel",
        scheme=SCH,
        domains=["opening-up"],
        status="Planned",
        year=2023,
        quotes=[("001", "支援皖北城市依託“海外智慧物流平臺”", "共用共用")],
    )
    d.write(OUT / "seed-001.ttl")


# =============================================================================================
def s002(OUT, rel, more, stat, lead, opmodel, host, ptype, Y):
    d = Doc(
        "# Facts of seed 002 (traditional script, 2020-04-12): cross-river integration (跨江融合) of 南通 with\n"
        "# 苏州/无锡/常州, and the 苏州工业园区–相城区 co-operation zone. '早在8年前' in a 2020 article gives\n"
        "# 2012 as the start of the earlier zone (arithmetic on the text, noted as such)."
    )
    Q_AGREE = ("002", "南通與蘇錫常三市分別簽署融合發展協議", "共建具有國際競爭力的現代產業集群。")
    for b, zb, eb in [
        ("suzhou", "苏州", "Suzhou"),
        ("wuxi", "无锡", "Wuxi"),
        ("changzhou", "常州", "Changzhou"),
    ]:
        rel(
            d,
            f"agreement:nantong-{b}-ronghe-2020",
            "Agreement",
            f"南通—{zb}融合发展协议",
            f"Nantong–{eb} integrated development agreement",
            parties=P("nantong", b),
            level="CityLevel",
            scheme="kuajiangronghe",
            domains=["industry", "industry-chain"],
            status="Established",
            year=2020,
            period="2020年4月7日至10日南通党政代表团考察期间",
            quotes=[
                Q_AGREE,
                (
                    "002",
                    "本周,蘇州、無錫、常州、南通四座城市共赴“跨江之約”,攜手向更大的發展格局進擊。",
                ),
            ],
            comment="Signed during the 南通 delegation's visit of 7–10 April 2020 ('這次“走親戚”也結出許多成果').",
        )
    rel(
        d,
        "rel:nantong-delegation-2020",
        "CadreExchange",
        "南通党政代表团赴苏州、无锡、常州考察学习",
        "Nantong party and government delegation's study tour of Suzhou, Wuxi and Changzhou",
        origin="place:nantong",
        dest=P("suzhou", "wuxi", "changzhou"),
        level="CityLevel",
        scheme="kuajiangronghe",
        domains=["science-innovation", "industry", "culture-tourism-wellness", "cadre-exchange"],
        status="Established",
        year=2020,
        date="2020-04-07",
        period="4月7日至10日",
        quotes=[
            ("002", "4月7日至10日,由南通市委書記徐惠民、市長王暉帶隊", "考察學習“走親戚”。"),
            ("002", "學習考察的重點也頗為突出,涵蓋科技創新、產業轉型、文旅合作等諸多領域。"),
        ],
    )
    rel(
        d,
        "pairing:suzhougongyeyuanqu-xiangcheng",
        "Pairing",
        "苏州工业园区—相城区合作共建",
        "Suzhou Industrial Park – Xiangcheng District pairing",
        assisting="place:suzhougongyeyuanqu",
        assisted="place:xiangcheng",
        level="DistrictLevel",
        scheme="suzhouqujihezuo",
        domains=["park-cobuilding", "governance"],
        status="Established",
        start=2012,
        period="8年“联姻”",
        quotes=[
            ("002", "就園區與相城的8年“聯姻”,在新時期進行再部署、新謀劃。"),
            (
                "002",
                "由發達區域板塊“牽手”挂鉤欠發達區域,以強帶弱、合作共建,是江蘇推行區域協調發展戰略的重要探索。",
            ),
        ],
        comment="Start year 2012 = 2020 − 8 ('8年“聯姻”', '早在8年前').",
    )
    rel(
        d,
        "park:suzhougongyeyuanqu-xiangcheng-jingkaiqu",
        "Park",
        "苏州工业园区—相城区合作经济开发区",
        "Suzhou Industrial Park – Xiangcheng District Co-operative Economic Development Zone",
        parties=P("suzhougongyeyuanqu", "xiangcheng"),
        level="DistrictLevel",
        scheme="suzhouqujihezuo",
        domains=["park-cobuilding"],
        status="Established",
        start=2012,
        period="早在8年前",
        alts=["T:蘇州工業園區—相城區合作經濟開發區"],
        extra=[host("place:xiangcheng"), ptype("InterDistrictCooperationZone")],
        quotes=[
            (
                "002",
                "早在8年前,蘇州市便主導了園區與相城的跨區域合作共建的“蘇州工業園區—相城區合作經濟開發區”,並由此開啟了區際合作的步伐。",
            )
        ],
        comment="Start year 2012 = 2020 − 8. Host: 相城区 (public fact; the zone lies in Xiangcheng).",
    )
    rel(
        d,
        "park:suxianghezuoqu",
        "Park",
        "苏相合作区",
        "Suzhou–Xiangcheng Co-operation Zone",
        parties=P("suzhougongyeyuanqu", "xiangcheng"),
        level="DistrictLevel",
        scheme="suzhouqujihezuo",
        domains=["park-cobuilding"],
        status="Established",
        start=2020,
        date="2020-04-08",
        alts=["T:蘇相合作區"],
        extra=[
            host("place:xiangcheng"),
            ptype("InterDistrictCooperationZone"),
            ("yrd:succeeds", "park:suzhougongyeyuanqu-xiangcheng-jingkaiqu"),
        ],
        quotes=[
            ("002", "而這次揭牌成立的“蘇相合作區”,則是上述合作共建的延續和升級版。"),
            (
                "002",
                "4月8日,蘇州市委市政府召開了一場名為“蘇相合作區全面深化合作改革創新發展工作推進會”",
            ),
        ],
    )
    d.write(OUT / "seed-002.ttl")


# =============================================================================================
def s003(OUT, rel, more, stat, lead, opmodel, host, ptype, Y):
    d = Doc(
        "# Facts of seed 003: history and state of Jiangsu's south–north co-built parks and industry transfer.\n"
        "# The five 南北共建创新园区 and four 特色共建园区 were built 2020—2021 on earlier co-built parks; the\n"
        "# 无锡徐州 and 镇江连云港 parks belong to the earlier 南北共建园区 arrangement and stay true for their\n"
        "# own period even though seed 000's newer scheme pairs 无锡 with 连云港 and gives 镇江 no partner.\n"
        "# Parks already described in seed-000.ttl only get this article's extra statements and derivation."
    )
    Q_LIST = ("003", "2020—2021年在原共建产业园基础上建设南北共建创新园区5家", "宜兴沛县工业园区)")
    stat(
        d,
        "s003-cobuilt-parks-since-2006",
        "2006年以来苏南苏北各类共建园区数",
        "South–north co-built parks since 2006",
        38,
        "个",
        "C62",
        ["scheme:jiangsunanbeigongjianyuanqu", "place:sunan", "place:subei"],
        [("003", "自2006年以来,苏南苏北各类共建园区共38个。")],
        start=2006,
    )
    stat(
        d,
        "s003-innovation-parks",
        "2020—2021年建设的南北共建创新园区数",
        "South–north innovation co-built parks built 2020–2021",
        5,
        "家",
        "C62",
        ["yrd:InnovationPilotPark"],
        [Q_LIST],
        start=2020,
        end=2021,
    )
    stat(
        d,
        "s003-featured-parks",
        "2020—2021年建设的特色共建园区数",
        "Featured co-built parks built 2020–2021",
        4,
        "家",
        "C62",
        ["yrd:FeaturedPark"],
        [Q_LIST],
        start=2020,
        end=2021,
    )

    more(
        d,
        "park:susu",
        [Q_LIST, ("003", "苏州宿迁工业园不断做大核心产业", "特色产业体系。")],
        extra=[lead("电子信息", "精密机械"), ("yrd:periodText", lit("2020—2021年", "zh-Hans"))],
    )
    more(
        d,
        "park:ninghuai",
        [Q_LIST, ("003", "宁淮智能制造产业园重点打造", "的产业共建方式。")],
        extra=[
            lead("智能装备与机器人", "半导体先进制造", "人工智能终端制造"),
            opmodel("总部+基地", "研发+生产"),
            ("yrd:periodText", lit("2020—2021年", "zh-Hans")),
        ],
    )
    more(
        d,
        "park:changzhouyancheng",
        [Q_LIST, ("003", "常州盐城工业园重点发展", "着力打造“绿色园区”。")],
        extra=[
            lead("机械装备制造", "电子信息", "新能源新材料"),
            ("yrd:periodText", lit("2020—2021年", "zh-Hans")),
        ],
    )
    more(
        d,
        "park:changshusihong",
        [Q_LIST, ("003", "常熟泗洪工业园加大招商引资力度", "全面提高产业竞争力。")],
        extra=[lead("高端装备制造", "新材料"), ("yrd:periodText", lit("2020—2021年", "zh-Hans"))],
    )
    more(
        d,
        "park:wujiangsiyang",
        [
            Q_LIST,
            (
                "003",
                "吴江泗阳工业园主要承接吴江先进制造业和新兴产业项目,重点发展高端纺织、装备制造、新材料等产业。",
            ),
        ],
        extra=[
            lead("高端纺织", "装备制造", "新材料"),
            ("yrd:periodText", lit("2020—2021年", "zh-Hans")),
        ],
    )

    rel(
        d,
        "park:wuxixuzhou",
        "Park",
        "无锡徐州工业园区",
        "Wuxi–Xuzhou Industrial Park",
        parties=P("wuxi", "xuzhou"),
        level="CityLevel",
        scheme="jiangsunanbeigongjianyuanqu",
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        period="2020—2021年",
        alts=["无锡徐州工业园"],
        extra=[host("place:xuzhou"), ptype("InnovationPilotPark", "SouthNorthCoBuiltPark")],
        quotes=[
            Q_LIST,
            ("003", "无锡徐州工业园实现产业链的双向延伸,形成南北园区一体融合发展格局。"),
        ],
        comment="An arrangement of the older south–north park programme; seed 000's deepened scheme pairs 无锡 with 连云港.\n"
        "Both are kept, each with its own scheme and period. Lead industries not stated.",
    )
    rel(
        d,
        "park:zhenjianglianyungang",
        "Park",
        "镇江连云港工业园区",
        "Zhenjiang–Lianyungang Industrial Park",
        parties=P("zhenjiang", "lianyungang"),
        level="CityLevel",
        scheme="jiangsunanbeigongjianyuanqu",
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        period="2020—2021年",
        alts=["镇江连云港工业园"],
        extra=[
            host("place:lianyungang"),
            ptype("InnovationPilotPark", "SouthNorthCoBuiltPark"),
            lead("健康食品", "新材料"),
        ],
        quotes=[
            Q_LIST,
            ("003", "镇江连云港工业园发挥两地产业优势,着力发展健康食品和新材料两大产业。"),
        ],
    )
    rel(
        d,
        "park:jiangyinsuining",
        "Park",
        "江阴睢宁工业园区",
        "Jiangyin–Suining Industrial Park",
        parties=P("jiangyin", "suining"),
        level="CountyLevel",
        scheme="jiangsunanbeigongjianyuanqu",
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        period="2020—2021年",
        alts=["江阴睢宁工业园"],
        extra=[
            host("place:suining"),
            ptype("FeaturedPark", "SouthNorthCoBuiltPark"),
            lead("高端机械装备制造业", "纺织服装业", "轻工食品业"),
        ],
        quotes=[
            Q_LIST,
            ("003", "江阴睢宁工业园以高端机械装备制造业、纺织服装业和轻工食品业为主。"),
        ],
    )
    rel(
        d,
        "park:yixingpeixian",
        "Park",
        "宜兴沛县工业园区",
        "Yixing–Peixian Industrial Park",
        parties=P("yixing", "peixian"),
        level="CountyLevel",
        scheme="jiangsunanbeigongjianyuanqu",
        domains=["park-cobuilding", "industry-chain", "ecology"],
        status="Established",
        period="2020—2021年",
        alts=["宜兴沛县工业园"],
        extra=[
            host("place:peixian"),
            ptype("FeaturedPark", "SouthNorthCoBuiltPark"),
            lead("绿色低碳产业", "环保产业"),
        ],
        quotes=[
            Q_LIST,
            (
                "003",
                "宜兴沛县工业园整合宜兴环保产业优势和沛县区位优势,打造百亿级绿色低碳产业集群。",
            ),
        ],
    )
    rel(
        d,
        "rel:wujiang-siyang-transfer",
        "IndustryTransfer",
        "吴江先进制造业和新兴产业项目转移至吴江泗阳工业园",
        "Wujiang manufacturing projects move to the Wujiang–Siyang park",
        origin="place:wujiang",
        dest="place:siyang",
        level="CountyLevel",
        scheme="jiangsunanbeigongjianyuanqu",
        domains=["industry-transfer"],
        status="Established",
        extra=[("yrd:viaPark", "park:wujiangsiyang")],
        quotes=[("003", "吴江泗阳工业园主要承接吴江先进制造业和新兴产业项目")],
    )

    Q_SZ = (
        "003",
        "根据中国产业转移报告分析,2019—2022年苏州市产业转移目的城市排名前五的城市为贵阳市、泸州市、茂名市、宁波市、咸阳市",
    )
    Q_WX = ("003", "根据中国产业转移报告分析", "芜湖市、安庆市。")
    for origin, zo, eo, dests, q in [
        (
            "suzhou",
            "苏州",
            "Suzhou",
            [
                ("guiyang", "贵阳", "Guiyang"),
                ("luzhou", "泸州", "Luzhou"),
                ("maoming", "茂名", "Maoming"),
                ("ningbo", "宁波", "Ningbo"),
                ("xianyang", "咸阳", "Xianyang"),
            ],
            Q_SZ,
        ),
        (
            "wuxi",
            "无锡",
            "Wuxi",
            [
                ("yinchuan", "银川", "Yinchuan"),
                ("baotou", "包头", "Baotou"),
                ("chongqing", "重庆", "Chongqing"),
                ("wuhu", "芜湖", "Wuhu"),
                ("anqing", "安庆", "Anqing"),
            ],
            Q_WX,
        ),
    ]:
        for rank, (slug, zd, ed) in enumerate(dests, 1):
            rel(
                d,
                f"rel:transfer-{origin}-{slug}",
                "IndustryTransfer",
                f"{zo}产业转移目的城市第{rank}位:{zd}",
                f"Industry transfer from {eo}: destination no. {rank}, {ed}",
                origin=f"place:{origin}",
                dest=f"place:{slug}",
                level="CityLevel",
                domains=["industry-transfer"],
                status="Established",
                start=2019,
                end=2022,
                extra=[("yrd:rank", str(rank))],
                quotes=[q],
                comment="Market-driven transfer out of the province (中国产业转移报告), no scheme.",
            )
    d.write(OUT / "seed-003.ttl")


# =============================================================================================
def s004(OUT, rel, more, stat, lead, opmodel, host, ptype, Y):
    d = Doc(
        "# Facts of seed 004: a city action plan for deep integration into the Yangtze Delta.\n"
        "# '我市' / '全市' is resolved to 盐城 (place:yancheng) from the text's own evidence:\n"
        "# '中国制造2025盐城行动计划', '盐城市驻上海、南京联络处', '在盐设立分支机构', '盐城至上海的互联网直连电路'.\n"
        "# The plan's targets are dated '到20xx年' in the source, so no target year is given. Everything here is\n"
        "# a plan item (yrd:Planned) unless the text states it exists."
    )
    SCH = "changsanjiaoyitihua"
    Y_ = "place:yancheng"
    rel(
        d,
        "park:hushudafeng",
        "Park",
        "沪苏大丰产业联动集聚区",
        "Shanghai–Jiangsu Dafeng Industry Linkage Cluster Zone",
        parties=["place:shanghai", Y_],
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding", "industry-chain"],
        status="Established",
        extra=[host("place:dafeng"), ptype("IndustryLinkageZone", "CrossProvinceCooperationPark")],
        quotes=[
            ("004", "充分发挥沪苏大丰产业联动集聚区的示范带动作用"),
            ("004", "加强沪苏大丰产业联动集聚区等两地合作共建园区建设。"),
        ],
        comment="'沪苏' = 上海 and 江苏; the Jiangsu party is 盐城, the city of the plan.",
    )
    rel(
        d,
        "park:zhonghanyancheng",
        "Park",
        "中韩盐城产业园",
        "China–Korea (Yancheng) Industrial Park",
        parties=[Y_, "place:korea"],
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding", "opening-up"],
        status="Established",
        extra=[host(Y_), ptype("InternationalCooperationPark")],
        quotes=[
            (
                "004",
                "中韩盐城产业园国际合作园区的示范带动作用得到充分发挥,长三角对韩开放合作示范逐步显现。",
            ),
            ("004", "加快中韩盐城产业园建设", "开展先行先试。"),
        ],
    )
    rel(
        d,
        "rel:yancheng-cooperation-parks",
        "CooperationActivity",
        "沪苏、苏盐、盐常等各类合作园区",
        "Yancheng's co-operation parks with Shanghai, Changzhou and others",
        parties=[Y_, "place:shanghai", "place:changzhou"],
        level="CityLevel",
        scheme=SCH,
        domains=["park-cobuilding", "industry-transfer"],
        status="Planned",
        quotes=[
            ("004", "沪苏、苏盐、盐常等各类合作园区发展加快,成为承接长江经济带产业转移的重要基地。")
        ],
        comment="沪苏 -> 上海 (park:hushudafeng), 盐常 -> 常州. '苏盐' is ambiguous (苏州 or 江苏) and is not resolved.",
    )
    rel(
        d,
        "rel:yancheng-industry-linkage",
        "CooperationActivity",
        "盐城与上海、南京、杭州产业联动",
        "Industrial linkage of Yancheng with Shanghai, Nanjing and Hangzhou",
        parties=[Y_, "place:shanghai", "place:nanjing", "place:hangzhou"],
        level="CityLevel",
        scheme=SCH,
        domains=["industry-chain"],
        status="Planned",
        quotes=[("004", "我市与上海、南京、杭州等地产业联动更为密切")],
    )
    rel(
        d,
        "rel:changjiang-transfer-yancheng",
        "IndustryTransfer",
        "承接长江经济带(沿江地区)产业转移",
        "Yancheng takes over industry transferred from the Yangtze River Economic Belt",
        origin="place:changjiangjingjidai",
        dest=Y_,
        level="CityLevel",
        scheme=SCH,
        domains=["industry-transfer"],
        status="Planned",
        quotes=[
            ("004", "主动承接长江经济带产业转移"),
            ("004", "通过市场机制推动沿江地区钢铁、石化、建材等基础产业和龙头企业向我市转移"),
        ],
    )
    rel(
        d,
        "rel:yancheng-innovation-zones",
        "InnovationCooperation",
        "与上海张江、苏南和杭州国家自主创新示范区互动交流",
        "Exchange with Zhangjiang, the southern Jiangsu and the Hangzhou innovation demonstration zones",
        parties=[Y_, "place:zhangjiang", "place:sunanzichuangqu", "place:hangzhouzichuangqu"],
        level="CityLevel",
        scheme=SCH,
        domains=["science-innovation"],
        status="Planned",
        quotes=[
            (
                "004",
                "积极开展与上海张江、苏南和杭州国家自主创新示范区的互动交流,促进科技创新、资源共享和载体共建",
            )
        ],
    )
    rel(
        d,
        "rel:yancheng-new-energy-enterprises",
        "EnterpriseCooperation",
        "与协鑫、上海电气、天合光能等新能源龙头企业合作",
        "Co-operation with new-energy leaders GCL, Shanghai Electric and Trina Solar",
        parties=[Y_],
        orgs=ORG("xiexin", "shanghaidianqi", "tianheguangneng"),
        level="CityLevel",
        scheme=SCH,
        domains=["energy", "industry-chain"],
        status="Planned",
        quotes=[
            (
                "004",
                "加强与协鑫、上海电气、天合光能等长三角地区新能源龙头企业合作,加快建设新能源及其装备产业基地。",
            )
        ],
    )
    rel(
        d,
        "rel:yancheng-smart-terminal-enterprises",
        "EnterpriseCooperation",
        "与上海迈腾电子、龙旗科技共建智能终端产业链",
        "Smart-terminal co-operation with Shanghai Maiteng Electronics and Longcheer",
        parties=[Y_, "place:shanghai"],
        orgs=ORG("shanghaimaitengdianzi", "longqikeji"),
        level="CityLevel",
        scheme=SCH,
        domains=["industry-chain", "science-innovation"],
        status="Planned",
        quotes=[
            ("004", "加强与上海迈腾电子、龙旗科技等重点研发企业深度合作", "智能终端全产业链。")
        ],
    )
    rel(
        d,
        "rel:yancheng-auto-rnd",
        "EnterpriseCooperation",
        "与上海汽车、烟台汽车研究所等汽车研发机构合作",
        "Automotive R&D co-operation with SAIC and the Yantai Automotive Research Institute",
        parties=[Y_, "place:shanghai", "place:yantai"],
        orgs=ORG(
            "shanghaiqiche",
            "yantaiqicheyanjiusuo",
            "changsanjiaoxinnengyuanqicheyanjiuyuan",
            "dongfengyuedaqiyayanjiuyuan",
        ),
        level="CityLevel",
        scheme=SCH,
        domains=["science-innovation", "industry-chain"],
        status="Planned",
        quotes=[
            (
                "004",
                "发挥长三角新能源汽车研究院、东风悦达起亚汽车研究院的平台优势,加强与上海汽车、烟台汽车研究所等汽车研发机构合作",
            )
        ],
    )
    rel(
        d,
        "rel:yancheng-shanghai-finance",
        "CooperationActivity",
        "对接上海国际金融中心,吸引上海金融机构在盐设立分支机构",
        "Link with the Shanghai international financial centre; Shanghai financial institutions open branches in Yancheng",
        parties=[Y_, "place:shanghai"],
        level="CityLevel",
        scheme=SCH,
        domains=["finance"],
        status="Planned",
        quotes=[("004", "主动对接上海国际金融中心建设", "努力提升金融服务业发展能级。")],
    )
    rel(
        d,
        "rel:yancheng-shanghai-logistics",
        "CooperationActivity",
        "培育引进上海第三方、第四方物流龙头企业来盐",
        "Attract Shanghai third- and fourth-party logistics leaders to Yancheng",
        parties=[Y_, "place:shanghai"],
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "investment-promotion"],
        status="Planned",
        quotes=[("004", "培育引进上海第三方、第四方物流龙头企业来盐,构建一体化的物流网络平台。")],
    )
    rel(
        d,
        "rel:yancheng-shanghai-agriculture",
        "CooperationActivity",
        "供沪蔬菜基地与上海资金技术参与盐城农业开发",
        "Vegetable bases supplying Shanghai; Shanghai capital and technology in Yancheng agriculture",
        parties=[Y_, "place:shanghai"],
        level="CityLevel",
        scheme=SCH,
        domains=["agriculture"],
        status="Planned",
        quotes=[
            ("004", "加快推进“菜篮子”工程蔬菜基地、供沪蔬菜基地"),
            ("004", "吸引上海等长三角地区的资金、技术参与盐城农业资源的深度开发"),
        ],
    )

    # transport links
    Q_RAIL = ("004", "扎实推进连盐、徐宿淮盐、盐通、盐泰锡常宜等铁路建设")
    for slug, zh, en, pl in [
        ("lianyan", "连盐铁路", "Lianyungang–Yancheng railway", ["lianyungang", "yancheng"]),
        (
            "xusuhuaiyan",
            "徐宿淮盐铁路",
            "Xuzhou–Suqian–Huai'an–Yancheng railway",
            ["xuzhou", "suqian", "huaian", "yancheng"],
        ),
        ("yantong", "盐通铁路", "Yancheng–Nantong railway", ["yancheng", "nantong"]),
        (
            "yantaixichangyi",
            "盐泰锡常宜铁路",
            "Yancheng–Taizhou–Wuxi–Changzhou–Yixing railway",
            ["yancheng", "taizhou", "wuxi", "changzhou", "yixing"],
        ),
    ]:
        rel(
            d,
            f"rel:railway-{slug}",
            "TransportLink",
            zh,
            en,
            parties=P(*pl),
            level="CityLevel",
            scheme=SCH,
            domains=["transport", "railway"],
            status="Planned",
            extra=[("yrd:transportMode", "domain:railway")],
            quotes=[Q_RAIL],
            comment="Places named by the abbreviations of the line (宜 = 宜兴)."
            if slug == "yantaixichangyi"
            else None,
        )
    rel(
        d,
        "rel:railway-k-network",
        "TransportLink",
        "“K”字形铁路干线网络(北京、上海、西安方向)",
        "K-shaped trunk railway network towards Beijing, Shanghai and Xi'an",
        parties=P("yancheng", "beijing", "shanghai", "xian"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "railway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:railway")],
        quotes=[("004", "重点围绕北京、上海、西安等方向,构建“K”字形铁路干线网络")],
    )
    rel(
        d,
        "rel:intercity-rail-coverage",
        "TransportLink",
        "盐城与沪宁、苏南城市城际铁路全覆盖",
        "Intercity rail to Shanghai, Nanjing and southern Jiangsu",
        parties=P("yancheng", "shanghai", "nanjing", "sunan"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "railway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:railway")],
        quotes=[("004", "盐城与沪宁、苏南等城市实现城际铁路全覆盖,全面进入上海“1小时经济圈”。")],
    )
    Q_HW = (
        "004",
        "推进盐城至南京高速、阜建高速南接北延等项目建设,构建我市与南京、苏南等市的直达通道",
    )
    rel(
        d,
        "rel:highway-yancheng-nanjing",
        "TransportLink",
        "盐城至南京高速",
        "Yancheng–Nanjing expressway",
        parties=P("yancheng", "nanjing"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "highway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:highway")],
        quotes=[Q_HW],
    )
    rel(
        d,
        "rel:highway-fujian",
        "TransportLink",
        "阜建高速南接北延",
        "Funing–Jianhu expressway extensions",
        parties=P("funing", "jianhu"),
        level="CountyLevel",
        scheme=SCH,
        domains=["transport", "highway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:highway")],
        quotes=[Q_HW],
        comment="阜建 = 阜宁–建湖.",
    )
    Q_HW2 = ("004", "研究淮安至滨海港高速公路、射阳港高速公路规划方案")
    rel(
        d,
        "rel:highway-huaian-binhaigang",
        "TransportLink",
        "淮安至滨海港高速公路(研究规划)",
        "Huai'an–Binhai Port expressway (under study)",
        parties=P("huaian", "binhai"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "highway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:highway"), ("yrd:viaPlace", "place:binhaigang")],
        quotes=[Q_HW2],
    )
    rel(
        d,
        "rel:highway-sheyanggang",
        "TransportLink",
        "射阳港高速公路(研究规划)",
        "Sheyang Port expressway (under study)",
        parties=P("sheyang"),
        level="CountyLevel",
        scheme=SCH,
        domains=["transport", "highway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:highway"), ("yrd:viaPlace", "place:sheyanggang")],
        quotes=[Q_HW2],
        comment="The text names only one place for this link.",
    )
    Q_WATER = (
        "004",
        "实施淮河入海水道二期航道工程、盐宝线、连申线响水段等高等级航道建设",
        "千吨级船舶可直达安徽、上海等地",
    )
    rel(
        d,
        "rel:waterway-yanbao",
        "TransportLink",
        "盐宝线航道",
        "Yancheng–Baoying waterway",
        parties=P("yancheng", "baoying"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "waterway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:waterway")],
        quotes=[Q_WATER],
        comment="盐宝 = 盐城–宝应.",
    )
    rel(
        d,
        "rel:waterway-lianshen-xiangshui",
        "TransportLink",
        "连申线响水段航道",
        "Xiangshui section of the Lianyungang–Shanghai waterway",
        parties=P("xiangshui", "lianyungang", "shanghai"),
        level="CountyLevel",
        scheme=SCH,
        domains=["transport", "waterway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:waterway")],
        quotes=[Q_WATER],
        comment="连申 = 连云港–上海(申).",
    )
    rel(
        d,
        "rel:waterway-anhui-shanghai",
        "TransportLink",
        "千吨级船舶直达安徽、上海",
        "Thousand-tonne vessels direct to Anhui and Shanghai",
        parties=P("yancheng", "anhui", "shanghai"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "waterway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:waterway")],
        quotes=[Q_WATER],
    )
    rel(
        d,
        "rel:port-shanghai-feeder",
        "TransportLink",
        "盐城港作为上海喂给港",
        "Port of Yancheng as a feeder port of Shanghai",
        parties=P("yancheng", "shanghai"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "waterway"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:waterway"), ("yrd:viaPlace", "place:yanchenggang")],
        quotes=[("004", "推动盐城港协同整合发展,充分发挥上海喂给港的综合作用。")],
    )
    rel(
        d,
        "rel:air-changsanjiao",
        "TransportLink",
        "通用机场建设与长三角城市航空联系",
        "General airports and air links with Yangtze Delta cities",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["transport", "aviation"],
        status="Planned",
        extra=[
            ("yrd:transportMode", "domain:aviation"),
            ("yrd:viaPlace", ["place:sheyang", "place:jianhu", "place:dafeng"]),
        ],
        quotes=[
            (
                "004",
                "稳步推进射阳、建湖和大丰通用机场建设,发展空港经济,增强与长三角城市的航空联系。",
            )
        ],
    )
    rel(
        d,
        "rel:internet-yancheng-shanghai",
        "TransportLink",
        "盐城至上海互联网直连电路和国际专用通道",
        "Direct internet circuit Yancheng–Shanghai",
        parties=P("yancheng", "shanghai"),
        level="CityLevel",
        scheme=SCH,
        domains=["information-network"],
        status="Planned",
        extra=[("yrd:transportMode", "domain:information-network")],
        quotes=[("004", "开通盐城至上海的互联网直连电路和国际专用通道。")],
    )

    # liaison offices
    Q_LO = (
        "004",
        "完善提升盐城市驻上海、南京联络处,争取在杭州、苏州等长三角地区Ⅰ型大城市增设联络处",
    )
    for city, zc, ec, status in [
        ("shanghai", "上海", "Shanghai", "Established"),
        ("nanjing", "南京", "Nanjing", "Established"),
        ("hangzhou", "杭州", "Hangzhou", "Planned"),
        ("suzhou", "苏州", "Suzhou", "Planned"),
    ]:
        rel(
            d,
            f"rel:yancheng-liaison-{city}",
            "LiaisonOffice",
            f"盐城市驻{zc}联络处",
            f"Yancheng liaison office in {ec}",
            origin=Y_,
            dest=f"place:{city}",
            level="CityLevel",
            scheme=SCH,
            domains=["investment-promotion"],
            status=status,
            quotes=[Q_LO],
        )
    rel(
        d,
        "rel:yancheng-shanghai-delegations",
        "CadreExchange",
        "盐城党政代表团定期赴上海高层拜访、对接交流",
        "Regular Yancheng party and government delegations to Shanghai",
        origin=Y_,
        dest="place:shanghai",
        level="CityLevel",
        scheme=SCH,
        domains=["cadre-exchange", "investment-promotion"],
        status="Planned",
        quotes=[
            (
                "004",
                "增进沪盐政府间合作交流,定期组织党政代表团赴上海开展高层拜访、对接交流、宣传推介等系列活动",
            )
        ],
    )
    Q_YANHU = ("004", "以盐沪共建园区为载体", "吸引和集聚重特大项目落户盐城。")
    rel(
        d,
        "rel:yancheng-shanghai-investment-events",
        "CooperationActivity",
        "以盐沪共建园区为载体在上海举办“双招双引”活动",
        "Investment-promotion events in Shanghai around the Yancheng–Shanghai co-built parks",
        parties=[Y_, "place:shanghai"],
        level="CityLevel",
        scheme=SCH,
        domains=["investment-promotion", "park-cobuilding"],
        status="Planned",
        quotes=[Q_YANHU],
    )
    stat(
        d,
        "s004-shanghai-events",
        "每年在上海举办的“双招双引”活动次数",
        "Investment-promotion events in Shanghai per year",
        3,
        "次/年",
        None,
        ["rel:yancheng-shanghai-investment-events"],
        [("004", "每年在上海举办3-4次全市集中性专题“双招双引”活动")],
        target=True,
        vmax=4,
    )
    rel(
        d,
        "rel:yancheng-education",
        "CooperationActivity",
        "与京、沪、宁知名学校和教育机构合作办学",
        "Educational co-operation with schools of Beijing, Shanghai and Nanjing",
        parties=P("yancheng", "beijing", "shanghai", "nanjing"),
        level="CityLevel",
        scheme=SCH,
        domains=["education"],
        status="Planned",
        quotes=[
            (
                "004",
                "以京、沪、宁等地知名学校和教育机构为主要合作对象",
                "大力引进优质教育管理团队和教育领域高层次人才。",
            )
        ],
    )
    rel(
        d,
        "rel:yancheng-health",
        "CooperationActivity",
        "长三角双向转诊和检查结果互认",
        "Two-way referral and mutual recognition of test results in the Delta",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["health-care"],
        status="Planned",
        quotes=[("004", "推进长三角双向转诊和同级医疗机构检查结果互认制度")],
    )
    rel(
        d,
        "rel:yancheng-hr",
        "CooperationActivity",
        "融入长三角人力资源需求共享与工伤康复资源共享",
        "Delta human-resources sharing and shared injury-rehabilitation resources",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["human-resources"],
        status="Planned",
        quotes=[
            ("004", "融入长三角人力资源需求共享机制。"),
            ("004", "工伤康复资源实现与长三角其他城市共享。"),
        ],
    )
    rel(
        d,
        "rel:yancheng-air-pollution",
        "CooperationActivity",
        "参与长三角区域大气污染防治协作机制",
        "Joins the Delta air-pollution co-operation mechanism",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["ecology"],
        status="Planned",
        quotes=[
            ("004", "全面参与长三角区域大气污染防治协作机制"),
            ("004", "加强与长三角城市间的协调,积极推动建立区域环境联防联治工作机制。"),
        ],
    )
    rel(
        d,
        "rel:yancheng-carbon-exchange",
        "EnterpriseCooperation",
        "与上海环境能源交易所合作建设区域碳交易市场",
        "Co-operation with the Shanghai Environment and Energy Exchange on a regional carbon market",
        parties=P("yancheng", "shanghai", "yanchenghuanbaokejicheng"),
        orgs=ORG("shanghaihuanjingnengyuanjiaoyisuo"),
        level="CityLevel",
        scheme=SCH,
        domains=["ecology", "finance"],
        status="Planned",
        quotes=[("004", "加强与上海环境能源交易所的合作,推进盐城环保科技城区域碳交易市场建设。")],
    )
    rel(
        d,
        "rel:yancheng-jiangsu-intl-channel",
        "EnterpriseCooperation",
        "与江苏国际频道的合作机制",
        "Co-operation with the Jiangsu International Channel",
        parties=[Y_],
        orgs=ORG("jiangsuguojipindao"),
        level="CityLevel",
        scheme=SCH,
        domains=["culture-tourism-wellness"],
        status="Established",
        quotes=[("004", "完善与江苏国际频道的合作机制")],
    )
    rel(
        d,
        "rel:yancheng-cnooc-lng",
        "EnterpriseCooperation",
        "与中海油合作建设滨海港LNG接收站",
        "CNOOC LNG terminal at Binhai Port",
        parties=P("yancheng", "binhai"),
        orgs=ORG("zhonghaiyou"),
        level="CityLevel",
        scheme=SCH,
        domains=["energy"],
        status="Planned",
        extra=[("yrd:viaPlace", "place:binhaigang")],
        quotes=[("004", "深化与央企、国企的战略合作,加快推进滨海港中海油LNG接收站项目")],
    )
    rel(
        d,
        "rel:yancheng-shanghai-ftz",
        "CooperationActivity",
        "复制推广上海自贸区政策、参与长三角通关一体化",
        "Replicating Shanghai FTZ policies; Delta customs integration",
        parties=P("yancheng", "shanghai", "changsanjiao", "shanghaiziyoumaoyishiyanqu"),
        level="CityLevel",
        scheme=SCH,
        domains=["opening-up"],
        status="Planned",
        quotes=[("004", "复制推广上海自贸区政策"), ("004", "积极参与长三角区域通关一体化改革。")],
    )
    rel(
        d,
        "rel:yancheng-delta-funds",
        "CooperationActivity",
        "参与长三角城市群一体化发展投资基金和协同创新中心设立",
        "Takes part in the Delta integration investment fund and joint innovation centre",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["finance", "science-innovation"],
        status="Planned",
        quotes=[("004", "参与长三角城市群一体化发展投资基金和协同创新中心设立。")],
    )
    rel(
        d,
        "rel:yancheng-delta-committees",
        "CooperationActivity",
        "牵头设立长三角新能源、节能环保专委会",
        "Lead new-energy and environmental committees of the Delta city co-ordination council",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["governance", "energy", "ecology"],
        status="Planned",
        quotes=[("004", "争取牵头设立长三角新能源、节能环保专委会")],
    )
    rel(
        d,
        "rel:yancheng-credit-platform",
        "CooperationActivity",
        "参与“信用长三角”信用信息平台建设",
        "Joins the Credit Yangtze Delta platform",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["governance"],
        status="Planned",
        quotes=[("004", "主动参与“信用长三角”信用信息平台建设,推动征信体系互联互通。")],
    )
    rel(
        d,
        "rel:yancheng-wider-exchange",
        "CooperationActivity",
        "拓展与苏南、苏中和浙江、安徽城市的合作交流",
        "Wider exchanges with cities of southern and central Jiangsu, Zhejiang and Anhui",
        parties=P("yancheng", "sunan", "suzhong", "zhejiang", "anhui"),
        level="CityLevel",
        scheme=SCH,
        domains=["industry-chain", "investment-promotion"],
        status="Planned",
        quotes=[("004", "高强度加强接轨上海,拓展与苏南、苏中和浙江、安徽等地城市之间的合作交流")],
    )
    rel(
        d,
        "rel:yancheng-shanghai-comprehensive",
        "CooperationActivity",
        "全面深化接轨上海",
        "Comprehensive co-operation with Shanghai",
        parties=P("yancheng", "shanghai"),
        level="CityLevel",
        scheme=SCH,
        domains=["industry", "science-innovation", "talent"],
        status="Planned",
        quotes=[
            ("004", "全面深化与长三角龙头上海在经济、科技、产业、人才、民生等多方面合作交流"),
            ("004", "积极借鉴上海全面创新改革经验"),
        ],
    )
    rel(
        d,
        "rel:yancheng-delta-governance",
        "CooperationActivity",
        "长三角社会治理跨区协作与食品安全信息共享",
        "Cross-area social-governance co-operation and food-safety information sharing in the Delta",
        parties=P("yancheng", "changsanjiao"),
        level="CityLevel",
        scheme=SCH,
        domains=["governance"],
        status="Planned",
        quotes=[
            ("004", "按照长三角社会协同治理要求,加快搭建社会治理和平安建设跨区协作平台"),
            ("004", "促进城市群食品安全信息共享,开展安全生产领域交流合作"),
        ],
    )
    d.write(OUT / "seed-004.ttl")
