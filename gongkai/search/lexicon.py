"""Pinyin conversion and typo correction against a vocabulary of public title words.

Most Chinese typos are homophones typed through a pinyin input method (最底 for 最低), so both features
work the same way: read the input as pinyin, then find the sequence of known words that spells it best,
scored by how many titles use each word. Near misses (公看 for 公开) are found through words with the
same initials whose pinyin differs by a letter or two; common regional confusions (z/zh, n/l, in/ing …)
count as the same sound.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

_CJK_WORD = re.compile(r"^[\u3400-\u9fff]+$")
_LETTERS = re.compile(r"^[a-z]+$")
MAX_WORD = 8
# Score terms: a known word earns log(1 + titles using it) plus a bonus per extra character, so long
# known words beat strings of single characters; every changed character costs CHANGE.
LENGTH_BONUS = 2.0
SINGLE_CHAR_PENALTY = 2.0
UNKNOWN_CHAR = -1.5
CHANGE = 3.0
FUZZY_EXTRA = 1.0
NEAR_MISS_EXTRA = 2.0
_FUZZY = [("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"), ("ang", "an"), ("l", "n"),
          ("h", "f")]

_syllable_cache: dict[str, tuple[str, ...]] = {}


def syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a word (cached: vocabularies are rebuilt often, words rarely change)."""
    found = _syllable_cache.get(word)
    if found is None:
        found = tuple(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))
        if len(_syllable_cache) < 500_000:
            _syllable_cache[word] = found
    return found


def fuzzy(syllable: str) -> str:
    if syllable.startswith(("zh", "ch", "sh")):
        syllable = syllable[0] + syllable[2:]
    for long, short in _FUZZY[3:6]:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    return syllable


def _edit_distance(a: str, b: str, limit: int = 2) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class Candidate:
    text: str
    score: float


class Lexicon:
    """Known words (title words and dictionary terms) indexed by full pinyin, initials and fuzzy pinyin."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.freq: dict[str, int] = {}
        self.by_full: dict[str, list[str]] = defaultdict(list)
        self.by_initials: dict[str, list[str]] = defaultdict(list)
        self.by_fuzzy: dict[str, list[str]] = defaultdict(list)
        self.longest_key = 0
        for word, count in vocabulary.items():
            if not (0 < len(word) <= MAX_WORD and _CJK_WORD.match(word)):
                continue
            sy = syllables(word)
            if len(sy) != len(word):
                continue
            self.freq[word] = count
            full = "".join(sy)
            self.by_full[full].append(word)
            self.by_initials["".join(s[0] for s in sy)].append(word)
            self.by_fuzzy["'".join(fuzzy(s) for s in sy)].append(word)
            self.longest_key = max(self.longest_key, len(full))

    def __len__(self) -> int:
        return len(self.freq)

    def word_score(self, word: str) -> float:
        score = math.log1p(self.freq.get(word, 0)) + LENGTH_BONUS * (len(word) - 1)
        return score - SINGLE_CHAR_PENALTY if len(word) == 1 else score

    # -- pinyin input -------------------------------------------------------------------------------

    def from_pinyin(self, letters: str, limit: int = 3, full_only: bool = False) -> list[Candidate]:
        """Chinese readings of a pinyin string, full (zhengfuxinxigongkai) or else initials (zfxxgk),
        best first."""
        letters = letters.replace(" ", "").replace("'", "").lower()
        if not _LETTERS.match(letters):
            return []
        found = self._segment(letters, self.by_full, self.longest_key, limit, initials=False)
        if not found and not full_only and len(letters) >= 2:
            found = self._segment(letters, self.by_initials, MAX_WORD, limit, initials=True)
        return found

    def _segment(self, letters: str, table: dict[str, list[str]], longest: int, limit: int,
                 initials: bool) -> list[Candidate]:
        n = len(letters)
        # best[i]: up to `limit` (score, text) readings of letters[:i]
        best: list[list[tuple[float, str]]] = [[] for _ in range(n + 1)]
        best[0] = [(0.0, "")]
        for i in range(n):
            if not best[i]:
                continue
            for j in range(i + 1, min(n, i + longest) + 1):
                for word in table.get(letters[i:j], ()):
                    if initials and len(word) == 1 and j - i == 1 and n > 1:
                        score = self.word_score(word) - 1.0
                    else:
                        score = self.word_score(word)
                    for prefix_score, prefix in best[i]:
                        best[j].append((prefix_score + score, prefix + word))
                if len(best[j]) > limit * 4:
                    best[j] = heapq.nlargest(limit * 2, best[j])
        results = heapq.nlargest(limit, set(best[n]))
        return [Candidate(t, s) for s, t in results]

    # -- typo correction ----------------------------------------------------------------------------

    def corrections(self, query: str, known: Callable[[str], bool] = lambda w: False,
                    limit: int = 5) -> list[Candidate]:
        """The best readings of `query` with homophone or near-miss words swapped in, best first (the
        query as typed may be among them). `known(word)` says whether a word outside the vocabulary
        occurs in the index, so real words found only in bodies are kept."""
        pieces = re.split(r"([\u3400-\u9fff]+)", query)
        readings: list[tuple[float, str]] = [(0.0, "")]
        for piece in pieces:
            if piece and _CJK_WORD.match(piece):
                options = self._correct_run(piece, known, limit)
            else:
                options = [(0.0, piece)]
            readings = heapq.nlargest(limit, [(s1 + s2, t1 + t2) for s1, t1 in readings for s2, t2 in options])
        return [Candidate(t, s) for s, t in readings]

    def _correct_run(self, run: str, known: Callable[[str], bool], limit: int) -> list[tuple[float, str]]:
        sy = lazy_pinyin(run, style=Style.NORMAL, errors="default")
        if len(sy) != len(run):
            return [(0.0, run)]
        n = len(run)
        best: list[list[tuple[float, str]]] = [[] for _ in range(n + 1)]
        best[0] = [(0.0, "")]
        known_cache: dict[str, bool] = {}

        def is_known(word: str) -> bool:
            if word not in known_cache:
                known_cache[word] = known(word)
            return known_cache[word]

        for i in range(n):
            if not best[i]:
                continue
            for j in range(i + 1, min(n, i + MAX_WORD) + 1):
                piece = run[i:j]
                options: list[tuple[float, str]] = []
                if piece in self.freq:
                    options.append((self.word_score(piece), piece))
                elif j - i == 1:
                    options.append((UNKNOWN_CHAR, piece))
                elif j - i <= 4 and is_known(piece):
                    options.append((LENGTH_BONUS * (j - i - 1), piece))
                options += self._rewrites(piece, sy[i:j])
                for score, word in options:
                    best[j] += [(base + score, prefix + word) for base, prefix in best[i]]
                if len(best[j]) > limit * 4:
                    best[j] = heapq.nlargest(limit * 2, set(best[j]))
        return heapq.nlargest(limit, set(best[n]))

    def _rewrites(self, piece: str, sy: list[str]) -> list[tuple[float, str]]:
        """Known words that sound like `piece` and differ from it in one or two characters (a single
        character only when it is not itself a known word, and only for the same sound)."""
        out = []
        seen = set()
        exact = self.by_full.get("".join(sy), [])
        if len(piece) == 1:
            if piece in self.freq:
                return []
            groups = [(exact, 0.0)]
        else:
            fuzzy_key = "'".join(fuzzy(s) for s in sy)
            groups = [(exact, 0.0), (self.by_fuzzy.get(fuzzy_key, []), FUZZY_EXTRA)]
            near = [w for w in self.by_initials.get("".join(s[0] for s in sy), []) if len(w) == len(piece)]
            groups.append((near, NEAR_MISS_EXTRA))
        for words, extra in groups:
            for word in words:
                if word in seen or len(word) != len(piece) or word == piece:
                    continue
                diff = sum(a != b for a, b in zip(word, piece, strict=True))
                if diff > (1 if len(piece) <= 3 else 2) or (diff == len(piece) and len(piece) > 1):
                    continue
                if extra == NEAR_MISS_EXTRA:
                    distance = sum(_edit_distance(a, b) for a, b in zip(syllables(word), sy, strict=True))
                    if distance > 2:
                        continue
                seen.add(word)
                out.append((self.word_score(word) - CHANGE * diff - extra, word))
        return out
