"""Document numbers (发文字号) as people write them, read into the exact keys the index holds.

    国务院令第462号 / 国令第462号 / 国务院第462号令 / 国务院462号令 / 国务院令第四六二号 → key 国令462
    462号令 / 第462号令                        → key 令462 (every order numbered 462, 国务院令 first)
    市场监管总局令第20号                         → key 国家市场监督管理总局令20 (short names: data/issuer_short_names.tsv)
    国务院、中央军委令第608号                     → keys 国令608 and 中央军事委员会令608 (a joint order)
    国办发〔2019〕14号 / 国办发[2019]14号 / 国办发2019年第14号 → key 国办发〔2019〕14

Queries and stored numbers are read by the same functions, so both sides agree on every key. A stored
order also answers to the bare number (令462) and, when it was issued jointly, to each co-issuer's order
(the corpus stores 国务院、中央军事委员会令第608号 as 中央军事委员会令第608号 with both issuers).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gongkai.core.text import chinese_number
from gongkai.search import text

SHORT_NAMES_FILE = Path(__file__).resolve().parent / "data" / "issuer_short_names.tsv"
# The key of 国务院's orders has always been 国令N (the shorthand printed on them); kept so that keys
# written by earlier versions of the index stay valid.
KEY_FORM = {"国务院": "国"}

_NUM = r"[0-9〇零一二两三四五六七八九十百千]{1,8}"
_YEAR = r"(?:(?:19|20)\d{2}|[一二][〇零一二三四五六七八九]{3})"
_ISSUERS = r"[\u4e00-\u9fff、]{1,40}?"
_OPEN = r"[〔\[(（【［{〈<]"
_CLOSE = r"[〕\])）】］}〉>]"
# 国务院令第462号, 国务院令462, 国务院令（第462号）
_ORDER = re.compile(rf"^(?P<issuers>{_ISSUERS})令[(（]?(?P<di>第)?(?P<num>{_NUM})(?P<hao>号)?[)）]?$")
# 国务院第462号令, 国务院462号令, 462号令, 第462号令
_ORDER_AFTER = re.compile(rf"^(?P<issuers>[\u4e00-\u9fff、]{{0,40}}?)第?(?P<num>{_NUM})号令$")
# 令第462号: the bare number as printed
_ORDER_BARE = re.compile(rf"^令第(?P<num>{_NUM})号$")
_YEAR_NUMBER = re.compile(rf"^(?P<prefix>[\u4e00-\u9fff]{{1,20}}?){_OPEN}?(?P<year>{_YEAR})年?{_CLOSE}?"
                          rf"(?:第)?(?P<num>{_NUM})号?$")
_TRAILER = re.compile(r"(?:号)?(?:文件|文|全文|原文)$")
_QUOTES = re.compile(r"[《》“”\"'「」『』]")


@dataclass(frozen=True)
class DocNumber:
    """A document number as understood: an order (issuers 令 第 number 号, issuers empty for a bare
    number) or a yearly number (prefix 〔year〕 number 号)."""

    number: int
    issuers: tuple[str, ...] = ()
    prefix: str = ""
    year: int | None = None

    @property
    def order(self) -> bool:
        return self.year is None

    def keys(self) -> list[str]:
        """The keys a query for this number searches (any of them matches)."""
        if not self.order:
            return [f"{self.prefix}〔{self.year}〕{self.number}"]
        if not self.issuers:
            return [f"令{self.number}"]
        return [f"{KEY_FORM.get(issuer, issuer)}令{self.number}" for issuer in self.issuers]

    def label(self) -> str:
        """The number written out in full, as the search understood it (国家市场监督管理总局令第20号)."""
        if not self.order:
            return f"{self.prefix}〔{self.year}〕{self.number}号"
        if not self.issuers:
            return f"第{self.number}号令"
        return f"{'、'.join(self.issuers)}令第{self.number}号"


@functools.cache
def short_names() -> dict[str, str]:
    """Short name → full name of issuers (data/issuer_short_names.tsv)."""
    table = {}
    for line in SHORT_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            short, full = line.split("\t")
            table[short.strip()] = full.strip()
    return table


def issuer_name(name: str) -> str:
    """The full name of an issuer as its orders are signed: without 中华人民共和国, short names expanded."""
    name = text.compact(name).removeprefix(text.COUNTRY)
    return short_names().get(name, name)


def _clean(value: str) -> str:
    squeezed = re.sub(r"\s+", "", _QUOTES.sub("", text.normalize(value)))
    return _TRAILER.sub("", squeezed).removeprefix(text.COUNTRY)


def _known_names() -> list[str]:
    """Issuer names as written (short and full, without 中华人民共和国), longest first; 国 alone is left out,
    since it begins too many names to split on."""
    names = {n for pair in short_names().items() for n in pair if len(n) > 1}
    return sorted(names, key=len, reverse=True)


def _split_joint(written: str) -> list[str] | None:
    """A joint order's issuers written without 、 (国务院中央军委令, as gov.cn lists some): the known names
    `written` is made of, or None unless it is two or more of them and nothing else."""
    parts, rest, names = [], written, _known_names()
    while rest:
        rest = rest.removeprefix(text.COUNTRY)
        found = next((n for n in names if rest.startswith(n)), None)
        if found is None:
            return None
        parts.append(found)
        rest = rest[len(found):]
    return parts if len(parts) > 1 else None


def _issuers(written: str) -> tuple[str, ...]:
    parts = [part for part in written.split("、") if part]
    if len(parts) == 1:
        compact = text.compact(parts[0]).removeprefix(text.COUNTRY)
        if compact not in short_names() and compact not in short_names().values():
            parts = _split_joint(compact) or parts
    names = [issuer_name(part) for part in parts]
    return tuple(dict.fromkeys(n for n in names if n))


def parse(value: str) -> DocNumber | None:
    """The document number `value` is written as, or None when it is not one."""
    cleaned = _clean(value)
    if not cleaned:
        return None
    match = _ORDER.match(cleaned) or _ORDER_AFTER.match(cleaned) or _ORDER_BARE.match(cleaned)
    if match:
        written = match.group("num")
        if not written.isdigit() and match.re is _ORDER and not (match.group("di") or match.group("hao")):
            return None  # 禁令三 is not an order number: Chinese numerals need 第 or 号 around them
        number = chinese_number(written)
        groups = match.groupdict()
        issuers = _issuers((groups.get("issuers") or "").removesuffix("第"))
        if number is None or (match.re is _ORDER and not issuers):
            return None
        return DocNumber(number, issuers)
    match = _YEAR_NUMBER.match(cleaned)
    if match and (re.search(_OPEN, cleaned) or "号" in cleaned):
        year, number = chinese_number(match.group("year")), chinese_number(match.group("num"))
        if year is None or number is None:
            return None
        return DocNumber(number, prefix=match.group("prefix"), year=year)
    return None


def index_keys(doc_number: str, issuers: Iterable[str] = ()) -> list[str]:
    """Every key a stored document number answers to: its own; for an order, the bare number and, when
    the document names several issuers among them the order's own, each issuer's order; for a yearly
    number, the keys of its shorter prefixes (source data often carries words before the issuer's code:
    高人民法院以法发〔1993〕15号)."""
    parsed = parse(doc_number or "")
    if parsed is None or (parsed.order and not parsed.issuers):
        return []
    keys = parsed.keys()
    if parsed.order:
        named = _issuers("、".join(issuers))
        if len(named) > 1 and set(named) & set(parsed.issuers):
            keys += DocNumber(parsed.number, named).keys()
        keys.append(f"令{parsed.number}")
    else:
        prefix, rest = keys[0].split("〔", 1)
        keys += [f"{prefix[i:]}〔{rest}" for i in range(1, len(prefix) - 1)]
    return list(dict.fromkeys(keys))


def match_strength(wanted: DocNumber, doc_number: str, issuers: Iterable[str]) -> int:
    """How well a found document answers `wanted`, for ordering documents that share a number: the
    issuers of a joint order it names, or, for a bare number, 国务院's own orders (what 462号令 means
    to most people) before other bodies'."""
    keys = set(index_keys(doc_number, issuers))
    if wanted.order and not wanted.issuers:
        return int(DocNumber(wanted.number, ("国务院",)).keys()[0] in keys)
    return sum(key in keys for key in wanted.keys())


def not_found_message(label: str) -> str:
    """What a visitor is told when the number `label` (as understood) matches no public document."""
    if text.index_no_key(label):
        return f"未找到索引号为“{label}”的文件。"
    return f"未找到文号为“{label}”的文件。"
