"""Candidate evaluation queries generated from the corpus titles (a development tool, seeded).

    python -m gongkai.search.eval.candidates ../shared/corpus/laws.jsonl.gz > /tmp/candidates.jsonl

It prints candidates for the mechanical kinds (exact and partial titles, document numbers, typos, full
pinyin and initials); a person reviews them, keeps the realistic ones and writes the plain-language and
long natural questions by hand into queries.jsonl. The hits of a candidate are every corpus title that
contains the words it was made from, so a query is never judged against an arbitrary single answer.
"""

from __future__ import annotations

import collections
import gzip
import json
import random
import re
import sys

from pypinyin import Style, lazy_pinyin

REGION = re.compile(r"^[\u4e00-\u9fa5]{1,6}?(?:省|市|自治区|经济特区)")
COUNTRY = "中华人民共和国"
SEED = 20240716


def load(path: str) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def core(title: str) -> str:
    title = title.removeprefix(COUNTRY)
    match = REGION.match(title)
    return title[match.end():] if match and len(title) - match.end() >= 4 else title


def containing(titles: list[str], part: str) -> list[str]:
    return sorted({t for t in titles if part in t})


def homophones(corpus_text: str) -> dict[str, list[str]]:
    """Frequent characters grouped by toneless pinyin, most frequent first."""
    counts = collections.Counter(ch for ch in corpus_text if "\u4e00" <= ch <= "\u9fff")
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for ch, _ in counts.most_common(2500):
        groups[lazy_pinyin(ch)[0]].append(ch)
    return groups


def main(path: str) -> None:
    rows = load(path)
    rng = random.Random(SEED)
    titles = [r["title"] for r in rows]
    short = [t for t in dict.fromkeys(titles) if len(t) <= 30]
    out = []
    for title in rng.sample(short, 30):
        out.append({"kind": "exact_title", "query": title, "hits": [title]})
    cores = []
    for title in rng.sample(short, 400):
        part = core(title)
        hits = containing(titles, part)
        if part != title and 4 <= len(part) <= 14 and len(hits) <= 4:
            cores.append((part, hits))
    for part, hits in cores[:30]:
        out.append({"kind": "partial_title", "query": part, "hits": hits})
    numbered = [r for r in rows if r.get("doc_number")]
    for r in rng.sample(numbered, 30):
        number = r["doc_number"].removeprefix(COUNTRY)
        variant = rng.choice([number, number.replace("〔", "[").replace("〕", "]"),
                              number.replace("〔", "(").replace("〕", ")"), number.replace("国务院令", "国令")])
        hits = sorted({x["title"] for x in numbered if x["doc_number"].removeprefix(COUNTRY) == number})
        out.append({"kind": "doc_number", "query": variant, "hits": hits})
    groups = homophones("".join(titles))
    for part, hits in cores[30:90]:
        positions = [i for i, ch in enumerate(part) if len(groups.get(lazy_pinyin(ch)[0], [])) > 1]
        if not positions:
            continue
        i = rng.choice(positions)
        options = [c for c in groups[lazy_pinyin(part[i])[0]] if c != part[i]]
        typo = part[:i] + options[0] + part[i + 1:]
        out.append({"kind": "typo", "query": typo, "hits": hits})
    for part, hits in cores[90:120]:
        out.append({"kind": "pinyin_full", "query": "".join(lazy_pinyin(part)), "hits": hits})
    national = sorted({t.removeprefix(COUNTRY) for t in titles if t.startswith(COUNTRY)})
    for part in rng.sample([p for p in national if 3 <= len(p) <= 7], 30):
        initials = "".join(lazy_pinyin(part, style=Style.FIRST_LETTER))
        out.append({"kind": "pinyin_initials", "query": initials, "hits": containing(titles, part)})
    for item in out:
        print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/laws.jsonl.gz")
