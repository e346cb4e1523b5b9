"""Statutory numbers shown to users (20 working days, 7 working days, 15 days, …) come from the rules modules:
no template and no user-facing string carries one as a literal."""

from __future__ import annotations

import ast
import re

from tests.paths import ROOT

PACKAGE = ROOT / "gongkai"
# A number of days or months, as a statutory period reads in Chinese.
PERIOD = re.compile(r"(?<![\d{])([2-9]|[1-9]\d+)\s*个?(工作日|日内|个月|天内|日起|日前)")
# Where the numbers live (the rules modules), and the fictional documents of the demo (their text is content).
EXEMPT = {"rules.py", "demo.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            found.add(id(body[0].value))
    return found


def literal_periods() -> list[str]:
    """Every template line and non-docstring string constant that states a period with a literal number."""
    found = []
    for path in sorted(PACKAGE.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PERIOD.search(re.sub(r"\{\{.*?\}\}|\{#.*?#\}", "", line)):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in EXEMPT or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and PERIOD.search(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_statutory_number_is_written_as_a_literal():
    assert literal_periods() == []


def test_the_scan_finds_what_it_looks_for():
    assert PERIOD.search("应当自收到申请之日起20个工作日内予以答复")
    assert PERIOD.search("告知补正超过 7 个工作日")
    assert not PERIOD.search("延长 {{ days }} 个工作日")
