"""Text analysis shared by indexing and querying, so both sides segment the same way.

Titles are indexed as single characters and character bigrams (exact substring matches, whatever the
segmenter does); bodies as rjieba search-mode words. Document numbers and index numbers become exact keys.
"""

from __future__ import annotations

import itertools
import re

import rjieba
from pypinyin import Style, lazy_pinyin

# The country's full name prefixes most national law titles and adds nothing to tell them apart.
COUNTRY = "中华人民共和国"
_NON_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Words that make a query a citizen's question ("……怎么办", "能不能……"): dropped, and the query is then
# matched more leniently (see gongkai.search.query.Analysis.min_match).
QUESTION_WORDS = frozenset("""
吗 呢 吧 嘛 怎么 怎么办 怎么样 怎样 如何 什么 啥 哪些 哪个 哪里 哪儿 多少 几 为什么 为何 请问 能不能 是不是 有没有
可不可以 要不要 会不会 算不算 行不行 多久 多长时间 多长 什么样 啥样 咋 咋办 咋样 怎么回事 能否 是否 谁 有多少 多少天
怎么算 咋算 在哪里 去哪里 找谁 几分 几天 几年 几个 多少分
""".split())
# Words that carry no topic anywhere ("我想知道……的……"): dropped without making the query a question.
FILLER_WORDS = frozenset("""
我 我们 你 您 你们 他 她 它 他们 的 地 得 了 着 过 啊 呀 么 哦 呗 啦 嗯 是 在 有 和 与 及 或 或者 还是 要 想 想要
会 能 能够 可以 请 帮 帮忙 帮我 知道 了解 一下 一个 这个 那个 这 那 这些 那些 就 都 也 还 又 被 把 给 让 对 对于 向
从 到 自己 别人 人家 需要 应该 应当 时候 时 后 之后 以后 哪 里 上 下 中 去 来 做 办 搞 弄 该 得到 关于 有关 相关
方面 问题 情况 规定 一般 现在 最近 已经 还有 以及 如果 假如 要是 的话 但是 可是 因为 所以 然后 而且 并且 不过 其实
比如 例如 等 等等 遇到 碰到 算 不给 不让 不 没 没有 不能 不可以 谢谢 办理 使用 受到 进行 重新 通过 具备 满足
""".split())
STOPWORDS = QUESTION_WORDS | FILLER_WORDS
# The characters Chinese numerals are written with (两年, 三倍, 一千元).
CHINESE_NUMERALS = "一二两三四五六七八九十百千万"
# 规定 is filler in questions ("有什么规定"); titles that end in it still match through the phrase boosts,
# which use the query as typed, and a query made only of stopwords falls back to its own words.

_INDEX_NO = re.compile(r"^[0-9a-z]{6,32}/\d{4}-\d{3,8}$")


# Full-width ASCII (Ａ１，) and the ideographic space fold to their half-width forms, one character for
# one character, so offsets in folded text are offsets in the original (highlighting relies on it).
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]+")
_FULL_WIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")


def _lower(folded: str) -> str:
    lowered = folded.lower()
    # A few letters change length when lowered (İ); keep the unlowered ones to stay aligned.
    return lowered if len(lowered) == len(folded) else "".join(c.lower() if len(c.lower()) == 1 else c
                                                                for c in folded)


def fold(text: str) -> str:
    """Full-width to half-width and lower case, keeping length (see _FOLD)."""
    # Translating only the full-width runs is several times faster than translating whole bodies.
    return _lower(_FULL_WIDTH.sub(lambda m: m.group().translate(_FOLD), text or ""))


def fold_words(text: str) -> str:
    """Full-width letters and digits to half-width and lower case, keeping length: all that words can
    hold, so segmentation and highlighting need no more (full-width punctuation is dropped either way,
    and leaving it skips a callback for every comma of a Chinese body)."""
    return _lower(_FULL_WIDTH_ALNUM.sub(lambda m: m.group().translate(_FOLD), text or ""))


def normalize(text: str) -> str:
    """Folded (full-width to half-width, lower case) with single spaces, the form both documents and
    queries are analysed in."""
    return _SPACES.sub(" ", fold(text)).strip()


def compact(text: str) -> str:
    """Only the word characters of normalized text, with the country name removed (for title matching)."""
    squeezed = _NON_WORD.sub("", normalize(text))
    stripped = squeezed.replace(COUNTRY, "")
    return stripped or squeezed


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def char_tokens(core: str) -> str:
    """Whitespace-joined single characters of a compacted title (position i = character i)."""
    return " ".join(core)


def bigram_tokens(core: str) -> str:
    """Whitespace-joined character bigrams of a compacted title (position i = bigram starting at i)."""
    return " ".join(core[i:i + 2] for i in range(len(core) - 1))


def bigrams(core: str) -> list[str]:
    return [core[i:i + 2] for i in range(len(core) - 1)]


def words(text: str) -> list[str]:
    """rjieba search-mode words of normalized text (no HMM, so a phrase segments the same everywhere)."""
    return list(filter(str.isalnum, rjieba.cut_for_search(fold_words(text), False)))


def word_tokens(text: str) -> str:
    """Whitespace-joined search-mode words, the indexed form of a body."""
    return " ".join(filter(str.isalnum, rjieba.cut_for_search(fold_words(text), False)))


def precise_words(text: str) -> list[str]:
    """rjieba precise-mode words (one segmentation, no overlaps) of normalized text."""
    return [w for w in rjieba.cut(fold_words(text), False) if w.isalnum()]


def word_bounds(text: str) -> set[int]:
    """The offsets in `text` where rjieba's precise-mode words start and end (no HMM): where a name or phrase
    found in it must begin and end to be a word of its own (家中卫生间 holds no 中卫)."""
    return set(itertools.accumulate(map(len, rjieba.cut(text, False)), initial=0))


def tagged(text: str) -> list[tuple[str, str]]:
    """rjieba's (word, part-of-speech) pairs of normalized text, with its HMM, which finds names the dictionary
    lacks (马云, 李明)."""
    return rjieba.tag(fold_words(text), True)


def doc_number_key(value: str) -> str | None:
    """The canonical key of a document number written in any bracket style, shorthand or colloquial form,
    or None (see gongkai.search.docnumbers)."""
    from gongkai.search import docnumbers

    parsed = docnumbers.parse(value)
    return parsed.keys()[0] if parsed is not None else None


def doc_number_keys(value: str, issuers: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Every key a stored document number answers to (see gongkai.search.docnumbers.index_keys)."""
    from gongkai.search import docnumbers

    return docnumbers.index_keys(value, issuers)


def index_no_key(value: str) -> str | None:
    """The key of an index number (索引号) such as 11441700007280420Y/2021-00050, or None."""
    text = _SPACES.sub("", normalize(value))
    return text if _INDEX_NO.match(text) else None


_initials_cache: dict[str, str] = {}


def _word_initials(word: str) -> str:
    found = _initials_cache.get(word)
    if found is None:
        letters = lazy_pinyin(word, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
        found = "".join(letter[:1] for letter in letters)
        if len(_initials_cache) < 300_000:
            _initials_cache[word] = found
    return found


def initials(core: str) -> str:
    """First pinyin letter of each character of a compacted title (other characters kept as they are),
    so that position i of the result is character i of `core`. Words are read in context (行政 x, 银行 h)
    and cached, since titles share most of their words."""
    out = "".join(_word_initials(word) for word in rjieba.cut(core, False))
    return out if len(out) == len(core) else ""
