"""The genre's rules: how official plans, pairing lists and park reports state co-operation.

Dictionaries and patterns only (no model): cue words that make a sentence about co-operation,
connectors that bind two places into a pair (``A——B``, ``A与B``, ``A帮扶B``), park names
built from two places or their one-character forms (苏宿工业园区, 宁淮产业园), agreements
(签署《…》), dates (2023年5月, 今年 relative to the article's date) and domains (the SKOS labels).
"""

from __future__ import annotations

import re

#: words that make a sentence a statement of co-operation, strongest first
CUES = (
    "结对帮扶",
    "对口帮扶",
    "对口支援",
    "对口合作",
    "结对",
    "帮扶",
    "对口",
    "挂钩",
    "共建",
    "合作",
    "协作",
    "签约",
    "签署",
    "签订",
    "协议",
    "飞地",
    "援建",
    "携手",
    "牵手",
    "联手",
    "对接",
    "友好城市",
    "一体化",
)
#: cues too vague to make two places in one sentence a pair by themselves
WEAK = {"一体化", "对接", "携手", "协作"}
#: a place name that is part of a media name (金山网讯, 盐城日报): not a place mention
MEDIA = re.compile(r"(?:网讯|新闻网|日报|晚报|电视台|广播电视台|国际频道|频道)")
#: after a city name, words that mark it as the article's own city (我市)
HOME_CLUE = re.compile(r"(?:市委|市政府|市人民政府|市驻|行动计划|实施方案|市人大|市政协)")
#: characters that may stand before a park name made of one-character forms (苏宿工业园区)
FUNCTION_CHARS = set("在是与和的及将为把对向由从等、建设推进打造以")
STRONG = {"结对帮扶", "对口帮扶", "对口支援", "对口合作", "结对", "帮扶", "签署", "签订", "共建"}
#: what stands between two places that form a pair, with the roles it implies
ASSIST = r"(?:结对帮扶|对口帮扶|对口支援|帮扶|支援|援建|对口|结对)"
PAIR_GAP = re.compile(
    r"^(?:——|—|–|－|-|~|～|与|和|同|跟|对|市与|市和|"
    r"(?P<assist>" + ASSIST + r")|挂钩|牵手|携手|联手|共建|合作)$"
)
ENUM_GAP = re.compile(r"^[、,，]$|^及$|^以及$")
COUNT_WORDS = re.compile(r"^(?:[两二三四五六七八九十]|\d+)(?:市|省|地|区|县|座城市|个城市|省市)")
GROUP_CUES = ("共同", "携手", "联合", "共赴", "一体化", "协同")
PARK_SUFFIX = re.compile(
    r"(?:工业园区|产业园区|合作园区|产业合作园区|经济合作区|合作区|产业园|工业园|科技园|飞地园区|创新园|合作园)"
)
AGREEMENT = re.compile(r"(?:签署|签订|签约|签下)")
AGREEMENT_NAME = re.compile(
    r"《([^》]{2,60})》|([\u4e00-\u9fff]{2,20}(?:框架协议|合作协议|协议|备忘录))"
)
KINDS = (
    (("结对", "帮扶", "对口", "挂钩"), "Pairing"),
    (("产业转移", "转移"), "IndustryTransfer"),
    (("联络处", "办事处"), "LiaisonOffice"),
    (("挂职", "干部交流", "干部互派"), "CadreExchange"),
    (("铁路", "高铁", "高速", "航线", "通道", "公路", "航道"), "TransportLink"),
    (("科创", "创新"), "InnovationCooperation"),
)
SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_END = re.compile(r"[；;]")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DATE_FULL = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")
DATE_MONTH = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月")
DATE_YEAR = re.compile(r"((?:19|20)\d\d)年")
RELATIVE = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the original text, without surrounding blanks."""
    out = []
    start = 0
    for m in SENTENCE_END.finditer(text + "\n"):
        end = m.end() if m.group() not in "\n" else m.start()
        s, e = start, min(end, len(text))
        while s < e and text[s] in " \t\u3000\r":
            s += 1
        while e > s and text[e - 1] in " \t\u3000\r":
            e -= 1
        if e > s:
            out.append((s, e))
        start = m.end()
    return out


def cues_in(text: str) -> list[str]:
    found = []
    for cue in CUES:
        if cue in text and not any(cue in f for f in found):
            found.append(cue)
    return found


def kind_for(text: str) -> str:
    for words, kind in KINDS:
        if any(w in text for w in words):
            return kind
    return "CooperationActivity"


def date_in(text: str, article_year: int | None) -> str | None:
    """The first date the sentence states: ``2023-05-12``, ``2023-05`` or ``2023``."""
    m = DATE_FULL.search(text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = DATE_MONTH.search(text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = DATE_YEAR.search(text)
    if m:
        return m.group(1)
    if article_year:
        for word, delta in RELATIVE.items():
            if word in text:
                return str(article_year + delta)
    return None
