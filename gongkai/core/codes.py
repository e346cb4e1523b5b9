"""Unified social credit codes (统一社会信用代码, GB 32100-2015): normalising and checking them.

Agencies (机构代码, the prefix of every index number) and legal-person applicants both carry one.
"""

from __future__ import annotations

import re

# GB 32100 leaves out I, O, S, V and Z so that no character can be misread as another.
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_code(value: str) -> str:
    """A code as typed → as stored: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def credit_code_check(first17: str) -> str:
    """The check character of an 18-character unified social credit code (GB 32100)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def valid_credit_code(value: str) -> bool:
    """True for an 18-character code of the allowed characters whose check character is right."""
    value = normalise_code(value)
    return (len(value) == 18 and all(c in CREDIT_CHARS for c in value)
            and credit_code_check(value[:17]) == value[17])


def credit_code_problem(value: str) -> str | None:
    """Why `value` is not a valid unified social credit code, in Chinese; None when it is valid."""
    value = normalise_code(value)
    if not value:
        return "不能为空"
    if len(value) != 18:
        return f"应为 18 位，现为 {len(value)} 位"
    wrong = sorted({c for c in value if c not in CREDIT_CHARS})
    if wrong:
        return f"含有不允许的字符 {'、'.join(wrong)}（不使用 I、O、S、V、Z）"
    expected = credit_code_check(value[:17])
    if value[17] != expected:
        return f"校验位不正确（按前 17 位计算应为 {expected}），请核对"
    return None
