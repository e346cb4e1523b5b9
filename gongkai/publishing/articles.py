"""Splitting a document's text into articles (第一条 …), each with its chapter context and a stable anchor.

A law or normative document is cited article by article; the Q&A answers with articles, so each one is a
unit here. An article starts at a line beginning with 第X条 (第X条之一 too); lines after it, up to the next
article or heading, are its further paragraphs (款). Headings (第X编 / 分编 / 章 / 节) set the chapter context of
the articles below them. A document with no article lines (a notice) is cited by its numbered items instead
(一、 二、 …, each up to the next; labelled 第一项): a county's notice of this year's 低保 standard answers with the
item that states it. Text before the first item (the preamble) is no unit. A notice with no items either is cited
by its paragraphs (第一段 …), its salutation (各乡镇人民政府：) and closing left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai.core.text import chinese_number, html_to_text

_NUM = r"[一二三四五六七八九十百千零〇两\d]+"
ARTICLE_LINE = re.compile(rf"^\s*第({_NUM})条(?:之({_NUM}))?(?=[\s\u3000：:　]|$|[^\s，。、；])[\s\u3000：:]*")
# A notice's top-level item: 一、 at the start of a line (（一） and 1. are parts of an item).
ITEM_LINE = re.compile(r"^\s*([一二三四五六七八九十]{1,3})、\s*")
# Where a notice's closing begins (特此通知, 感谢您的关心和支持, 此复, 附件, the contact, the date): not its last item's.
CLOSING_LINE = re.compile(r"^(?:特此|感谢|此复|此函|附件|联系人|联系电话|[0-9〇零一二三四五六七八九]{4}年[0-9一二三四五六七八九十]{1,2}月"
                          r"[0-9一二三四五六七八九十]{1,3}日$)")
HEADING_LINE = re.compile(rf"^\s*第({_NUM})(编|分编|章|节)(?:[\s\u3000]+|$)(.{{0,40}})$")
LEVELS = {"编": 0, "分编": 1, "章": 2, "节": 3}
# A heading line longer than this is a sentence that happens to begin with 第X章, not a heading.
MAX_HEADING = 48


@dataclass
class ArticleUnit:
    """One article as split from a text: its number (第十二条 → 12, 之一 → sub 1), label, chapter and text."""

    number: int
    sub: int
    label: str
    chapter: str
    text: str

    @property
    def anchor(self) -> str:
        """The id of the article on the document page: art-12, art-12-1 for 第十二条之一."""
        return f"art-{self.number}" + (f"-{self.sub}" if self.sub else "")


def split_articles(body_text: str) -> list[ArticleUnit]:
    """The articles of a plain text (one block a line), in order; an anchor that repeats (a quoted article
    of another law) keeps its first article only, so every anchor is unique on the page. A text with no
    articles gives its numbered items (_items)."""
    return _articles(body_text) or _items(body_text) or _paragraphs(body_text)


# A salutation line (各乡镇人民政府、各有关单位：) addresses a notice, and a short line without a sentence's end is a
# heading (预算公开): neither is a paragraph of it.
SALUTATION = re.compile(r"^[^。；！？]{1,60}[：:]$")
HEADING_ONLY = re.compile(r"^[^。；！？.;!?]{1,20}$")


def _lines(body_text: str) -> Iterator[str]:
    """The text's lines, trimmed (a Markdown heading's # too), the empty ones left out."""
    for raw in (body_text or "").splitlines():
        line = raw.strip().lstrip("#").strip()
        if line:
            yield line


def _paragraphs(body_text: str) -> list[ArticleUnit]:
    """The paragraphs of a text with neither articles nor items, up to its closing (CLOSING_LINE)."""
    paragraphs: list[ArticleUnit] = []
    for line in _lines(body_text):
        if SALUTATION.match(line) or HEADING_ONLY.match(line):
            continue
        if CLOSING_LINE.match(line):
            break
        number = len(paragraphs) + 1
        paragraphs.append(ArticleUnit(number, 0, paragraph_label(number), "", line))
    return paragraphs


def _items(body_text: str) -> list[ArticleUnit]:
    """The numbered items of a text with no articles (一、 …), numbered as written; each runs to the next item.
    Only items in sequence from 一 count: a 三、 after 一、 is a list inside the first item, not the third."""
    items: list[ArticleUnit] = []
    for line in _lines(body_text):
        match = ITEM_LINE.match(line)
        if match and chinese_number(match.group(1)) == len(items) + 1:
            number = len(items) + 1
            items.append(ArticleUnit(number, 0, item_label(number), "", line[match.end():].strip()))
        elif items and CLOSING_LINE.match(line):
            break
        elif items:
            items[-1].text += "\n" + line
    return items


def _articles(body_text: str) -> list[ArticleUnit]:
    articles: list[ArticleUnit] = []
    headings: dict[int, str] = {}
    current: ArticleUnit | None = None
    seen: set[str] = set()
    for line in _lines(body_text):
        heading = HEADING_LINE.match(line) if len(line) <= MAX_HEADING else None
        if heading:
            level = LEVELS[heading.group(2)]
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = re.sub(r"[\s\u3000]+", " ", line)
            current = None
            continue
        match = ARTICLE_LINE.match(line)
        number = chinese_number(match.group(1)) if match else None
        if match and number:
            sub = chinese_number(match.group(2)) if match.group(2) else 0
            label = line[:match.end()].strip().rstrip("：:")
            current = ArticleUnit(number, sub or 0, label, " ".join(headings[k] for k in sorted(headings)),
                                  line[match.end():].strip())
            if current.anchor in seen:
                current = None  # a repeated number: its lines are left out rather than merged into another
                continue
            seen.add(current.anchor)
            articles.append(current)
            continue
        if current is not None:
            current.text += "\n" + line
    return articles


def paragraph_label(number: int) -> str:
    """第二段 for a notice's second paragraph."""
    return f"第{to_chinese(number)}段"


def item_label(number: int) -> str:
    """第二项 for a notice's item 二、."""
    return f"第{to_chinese(number)}项"


def article_label(number: int, sub: int = 0) -> str:
    """第十二条 (第十二条之一) for 12 (, 1)."""
    return f"第{to_chinese(number)}条" + (f"之{to_chinese(sub)}" if sub else "")


_DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """An article number in Chinese numerals as laws write it: 10 → 十, 21 → 二十一, 105 → 一百零五."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, value)
        if digit:
            out += _DIGITS[digit] + unit
        elif out and n:
            out += "零" if not out.endswith("零") else ""
    if n:
        out += _DIGITS[n]
    return out


_P_ARTICLE = re.compile(rf"<p((?:\s+class=\"[^\"]*\")?)>(\s*(?:<(?:strong|b)>)?\s*)第({_NUM})条(?:之({_NUM}))?")
_P_ITEM = re.compile(r"<(?:p|h[2-6])((?:\s+class=\"[^\"]*\")?)>(\s*(?:<(?:strong|b)>)?\s*)([一二三四五六七八九十]{1,3})、")


def add_anchors(body_html: str) -> str:
    """The sanitised body with an id on each paragraph that begins an article (art-12), so that a citation
    (…#art-12) lands on it; the first paragraph of a number wins, as in split_articles. A body with no articles
    has its items or its paragraphs anchored, whichever split_articles cut its text into."""
    text = html_to_text(body_html or "")
    # Chosen by the text, as split_articles chooses: an article or item set in a heading or a list is no <p>, and
    # falling through to the next kind put ids on paragraphs that were not the units the Q&A cites.
    if not _articles(text):
        return _anchor_items(body_html or "") if _items(text) else _anchor_paragraphs(body_html or "", text)
    seen: set[str] = set()

    def anchor(match: re.Match) -> str:
        number = chinese_number(match.group(3))
        sub = chinese_number(match.group(4)) if match.group(4) else 0
        if not number:
            return match.group(0)
        name = f"art-{number}" + (f"-{sub}" if sub else "")
        if name in seen:
            return match.group(0)
        seen.add(name)
        return _with_id(match, name)

    return _P_ARTICLE.sub(anchor, body_html or "")


_P_WHOLE = re.compile(r"<p((?:\s+class=\"[^\"]*\")?)>(.*?)</p>", re.S)


def _anchor_paragraphs(body_html: str, text: str) -> str:
    """A body with neither articles nor items: an id on each paragraph _paragraphs counts in its `text` (art-2 for
    第二段), found by its text, in order (headings and list items are lines too, so counting <p> would drift)."""
    wanted = [unit.text for unit in _paragraphs(text)]
    count = 0

    def anchor(match: re.Match) -> str:
        nonlocal count
        found = html_to_text(match.group(2))
        # A paragraph set in a list or a table is a line of the text but no <p>: the next one found goes on.
        later = next((i for i in range(count, len(wanted)) if wanted[i] == found), None)
        if later is None:
            return match.group(0)
        count = later + 1
        return _with_id(match, f"art-{count}")

    return _P_WHOLE.sub(anchor, body_html)


def _anchor_items(body_html: str) -> str:
    """A body with no articles: an id on each paragraph or heading that begins a numbered item in sequence, as
    _items counts them (art-2 for 二、, the anchor the Q&A cites)."""
    count = 0

    def anchor(match: re.Match) -> str:
        nonlocal count
        if chinese_number(match.group(3)) != count + 1:
            return match.group(0)
        count += 1
        return _with_id(match, f"art-{count}")

    return _P_ITEM.sub(anchor, body_html)


def _with_id(match: re.Match, name: str) -> str:
    """The matched block (a paragraph or a heading, opening the match) with id `name` on it."""
    return re.sub(r"^<(\w+)", lambda tag: f'<{tag.group(1)} id="{name}"', match.group(0), count=1)
