"""Query understanding: from what a citizen typed to the units, keys and phrases a backend searches.

    国办发[2019]14号         → the document-number key 国办发〔2019〕14 (any bracket style, 国令 = 国务院令)
    国务院第462号令          → the key 国令462 (colloquial forms, Chinese numerals, short names: see docnumbers)
    11441700007280420Y/2021-00050 → the index-number key
    低保怎么申请              → units [低保 | 最低生活保障] [申请] (synonyms; question words dropped)
    政府信息公开条例          → units [政府信息公开 | 信息公开] [条例] + the title phrase 政府信息公开条例
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import rjieba

from gongkai.search import docnumbers, text
from gongkai.search.backends.base import Alternative, Unit
from gongkai.search.docnumbers import DocNumber
from gongkai.search.synonyms import SynonymDictionary

MAX_QUERY = 100
MAX_PHRASE = 24
SYNONYM_WEIGHT = 0.9
# A phrase staff put in the dictionary is what the question is about ("公司不给交社保" is about 社保).
DICTIONARY_WEIGHT = 1.5
_SPLIT = re.compile(r"[\s\W_]+")
# Single-character nouns too general to be a topic on their own.
GENERIC_CHARS = frozenset("人事时年月日天东西地方里家物")


@dataclass
class Analysis:
    """The analysed query: what to match and what to highlight."""

    text: str  # normalized
    units: list[Unit] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    reference: bool = False  # the query is a document or index number
    reference_label: str = ""  # that number written out as understood (国家市场监督管理总局令第20号)
    doc_number: DocNumber | None = None  # the document number, when the query is one
    question: bool = False  # question words were dropped: a citizen asking, not a title typed

    @property
    def min_match(self) -> int:
        """How many required units a document needs: all of a title-like query's; for a question all
        but one of two or three, and 60% of more (a search that finds nothing is retried with one
        fewer, then half: see services.search)."""
        n = sum(1 for u in self.units if u.required) or len(self.units)
        if not self.question:
            return n
        return max(1, n - 1) if n <= 3 else max(2, math.ceil(n * 0.6))

    @property
    def empty(self) -> bool:
        return not self.units and not self.keys


def body_words(phrase: str) -> list[str]:
    """The words a body must contain for `phrase` to count as present: its two-character words when it
    has some (they are emitted whatever the surrounding text, unlike longer words), else all its words."""
    found = text.words(phrase)
    short = [w for w in found if len(w) <= 2 and (len(w) == 2 or len(phrase) == 1)]
    return list(dict.fromkeys(short or found))


def alternative(phrase: str, weight: float = 1.0) -> Alternative:
    return Alternative(text=text.compact(phrase), words=body_words(phrase), weight=weight)


def analyze(raw: str, synonyms: SynonymDictionary, references: bool = True) -> Analysis:
    """Analyse a query as typed (see the module docstring); `references=False` reads a document or
    index number as plain words."""
    query = text.normalize(raw)[:MAX_QUERY]
    analysis = Analysis(text=query)
    if not query:
        return analysis
    number = docnumbers.parse(query) if references else None
    if number:
        analysis.keys += [f"n:{key}" for key in number.keys()]
        analysis.reference, analysis.reference_label, analysis.doc_number = True, number.label(), number
        return analysis
    index_no = text.index_no_key(query) if references else None
    if index_no:
        analysis.keys.append(f"i:{index_no}")
        analysis.reference, analysis.reference_label = True, index_no
        return analysis
    core = text.compact(query)
    if core:
        analysis.keys.append(f"t:{core}")
    units: list[Unit] = []
    highlights: list[str] = []
    dropped: list[str] = []
    pieces = [p for p in _SPLIT.split(query) if p]
    for piece in pieces:
        if 2 <= len(piece) <= MAX_PHRASE:
            analysis.phrases.append(piece)
        cursor = 0
        for match in synonyms.find(piece):
            units += _word_units(piece[cursor:match.start], highlights, dropped)
            alts = [alternative(match.term, DICTIONARY_WEIGHT)]
            alts += [alternative(a, DICTIONARY_WEIGHT * SYNONYM_WEIGHT) for a in match.alternatives]
            units.append(Unit(alts))
            highlights += [match.term, *match.alternatives]
            cursor = match.end
        units += _word_units(piece[cursor:], highlights, dropped)
    analysis.question = bool(dropped)
    if not units:
        # Only stopwords ("怎么办"): search the words anyway rather than nothing.
        for piece in pieces:
            units += [Unit([alternative(w)]) for w in text.precise_words(piece)]
            highlights += text.precise_words(piece)
    analysis.units = _dedupe(units)
    analysis.highlights = list(dict.fromkeys(h for h in highlights if h))
    return analysis


def _word_units(piece: str, highlights: list[str], dropped: list[str]) -> list[Unit]:
    units = []
    nouns = None
    for word in text.precise_words(piece):
        if word in text.STOPWORDS:
            if word in text.QUESTION_WORDS:
                dropped.append(word)
            continue
        required = len(word) > 1 or not text.has_cjk(word)
        if not required:
            # A lone noun is the topic (狗, 税); a lone verb left between words (交, 退, 买) is weak evidence.
            if nouns is None:
                nouns = {w for w, flag in rjieba.tag(piece) if flag.startswith("n") and w not in GENERIC_CHARS}
            required = word in nouns
        units.append(Unit([alternative(word)], required=required))
        highlights.append(word)
    return units


def _dedupe(units: list[Unit]) -> list[Unit]:
    seen, out = set(), []
    for unit in units:
        key = tuple(a.text for a in unit.alternatives)
        if key not in seen:
            seen.add(key)
            out.append(unit)
    return out
