"""Paths the tests share: the project's root and the laws corpus beside it (absent on some machines)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "laws.jsonl.gz"
