"""Text utilities: safe HTML for document bodies and plain text for search and feeds."""

from __future__ import annotations

import html
import re
import threading

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "caption", "a", "img", "hr", "pre", "code",
    "span", "div", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"class"},
}
BODY_FORMATS = ("text", "markdown", "html")
# Characters that show nothing yet change what is shown or matched: zero-width spaces and joiners, the byte-order
# mark, the soft hyphen and the bidirectional controls (U+202E turns the rest of a line around).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Building a Markdown converter costs about as much as converting a short body; keep one per thread
# (converters are not thread-safe) and reset it between documents.
_local = threading.local()


def _markdown(text: str) -> str:
    converter = getattr(_local, "markdown", None)
    if converter is None:
        converter = _local.markdown = md.Markdown(extensions=["tables"])
    return converter.reset().convert(text)


# Pasted images that are inline data; SVG is left out (it is a document that may carry scripts and links).
_SAFE_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[a-z0-9+/=]+", re.I)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)
_IMG_WITHOUT_SRC = re.compile(r"<img\b(?![^>]*\ssrc=)[^>]*>")


def _local_source(value: str) -> str | None:
    """An image source that loads from this site (or inline data), else None: a body never fetches from
    another host, which would tell it who reads the page and could change the picture after approval."""
    from django.conf import settings

    # Browsers ignore ASCII whitespace and control characters in URLs and read "\" as "/".
    url = re.sub(r"[\x00-\x20]", "", value).replace("\\", "/")
    if _SAFE_DATA_IMAGE.fullmatch(url):
        return url
    site = settings.GONGKAI_BASE_URL + "/"
    if url.lower().startswith(site.lower()):
        url = url[len(site) - 1:]  # our own absolute address becomes a path, valid on every host name
    if url.startswith("//") or _SCHEME.match(url):
        return None
    return url


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return _local_source(value)
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None  # data: is allowed for pasted images only
    return value


def sanitize_html(raw: str) -> str:
    """Remove scripts, event handlers, unknown tags and images from other hosts; keep the structure of an
    official document."""
    cleaned = nh3.clean(raw or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https", "mailto", "data"}, link_rel="noopener noreferrer",
                        attribute_filter=_attribute_filter)
    # An image whose source was removed would show as a broken picture; drop it (nh3 escapes ">" in values).
    return _IMG_WITHOUT_SRC.sub("", cleaned)


# Block markup (paragraphs, headings, list items, rows, line breaks): an HTML body with none of it was typed as
# plain lines in the staff editor's box.
_BLOCK_MARKUP = re.compile(r"<(?:p|div|h[1-6]|li|tr|blockquote|pre|br)\b", re.I)


def has_block_markup(body: str) -> bool:
    """Whether an HTML body marks its paragraphs (otherwise each of its lines is one)."""
    return _BLOCK_MARKUP.search(body or "") is not None


def to_html(body: str, body_format: str = "html") -> str:
    """Turn a body in text, Markdown or HTML into sanitised HTML. An HTML body typed as plain lines (no block
    markup) gets one paragraph per line, as a browser would otherwise run them into one."""
    if body_format == "text":
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", body or "") if p.strip()]
        return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if body_format == "markdown":
        return sanitize_html(_markdown(body or ""))
    if body_format == "html":
        if not has_block_markup(body):
            lines = [line.strip() for line in (body or "").splitlines() if line.strip()]
            if len(lines) > 1:
                return sanitize_html("".join(f"<p>{line}</p>" for line in lines))
        return sanitize_html(body)
    raise ValueError(f"unknown body format {body_format!r}")


_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|tr|blockquote|pre|table)>|<br\s*/?>", re.I)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block."""
    text = _BLOCK_END.sub("\n", fragment or "")
    text = nh3.clean(text, tags=set())
    text = html.unescape(text)
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def strip_invisible(value: str) -> str:
    """`value` without invisible format characters (pasted from a web page or a spreadsheet, or planted)."""
    return _INVISIBLE.sub("", value)


def excerpt(text: str, limit: int = 120) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


# Chinese numerals as documents write them (article numbers, order numbers).
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(value: str) -> int | None:
    """An integer written in digits or Chinese numerals: 590, 五九〇, 五百九十, 五百九 (= 590), 六百零八.

    Hand-written rather than taken from cn2an, whose import costs about two seconds here."""
    if value.isdigit():
        return int(value)
    if any(c not in _CN_DIGITS and c not in _CN_UNITS for c in value):
        return None
    if not any(c in _CN_UNITS for c in value):
        return int("".join(str(_CN_DIGITS[c]) for c in value))  # read digit by digit: 二〇一九, 五九〇
    total, digit, last_unit = 0, None, 0
    for char in value:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            unit = _CN_UNITS[char]
            if last_unit and unit >= last_unit:
                return None  # 十百, 百千: not a number
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit is not None:
        # 五百九 is 590 and 一千二 is 1200, but 一千零二 is 1002.
        total += digit * (last_unit // 10 if value[-2] in _CN_UNITS and last_unit > 10 else 1)
    return total
