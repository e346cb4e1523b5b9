"""Applicants' personal data: masks for lists, exports and logs; keyed hashes; codes and tokens.

Full details are shown only to the handling agency's disclosure staff, and every such view is audited
(services.view_applicant). Everywhere else — lists, CSV exports, audit comments, the public timeline — the
masks below are used, or nothing at all.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from gongkai.core import crypto

# Unambiguous characters only (no 0/O, 1/I/L), so codes survive being read out over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def mask_name(name: str, organization: bool = False) -> str:
    """张三 → 张*; an organisation keeps its first two and last two characters (示例**公司)."""
    name = (name or "").strip()
    if not name:
        return ""
    if organization and len(name) > 4:
        return name[:2] + "*" * min(len(name) - 4, 6) + name[-2:]
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 1381234****: the last four digits are hidden."""
    digits = re.sub(r"\s", "", phone or "")
    if len(digits) <= 4:
        return "*" * len(digits)
    keep = max(len(digits) - 4, 3)
    return digits[:keep] + "*" * (len(digits) - keep)


def mask_id(id_number: str) -> str:
    """110105199001011234 → 110***********1234."""
    value = re.sub(r"\s", "", id_number or "")
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(email: str) -> str:
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "*" * len(local)
    return (local[:1] or "*") + "***@" + domain


def mask_address(address: str) -> str:
    address = (address or "").strip()
    return address[:6] + "****" if len(address) > 6 else "*" * len(address)


def normalise_id(id_number: str) -> str:
    return re.sub(r"[\s\-]", "", id_number or "").upper()


def normalise_phone(phone: str) -> str:
    """Digits only, without the country code: +86 138-1234-5678 and 13812345678 are one number."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


NORMALISERS = {"id_number": normalise_id, "phone": normalise_phone, "email": normalise_email}


def lookup_hash(kind: str, value: str) -> str:
    """The keyed hash (HMAC-SM3 under the data key) of an id number, phone or e-mail, normalised first:
    what duplicate detection and look-ups compare instead of the value; "" for an empty value."""
    return crypto.lookup_hash(kind, NORMALISERS[kind](value))


def applicant_key(id_number: str) -> str:
    """The keyed hash of the id number: the same applicant is recognised without comparing personal data."""
    return lookup_hash("id_number", id_number)


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_tracking_code() -> str:
    """A code like YSQ-7K3M-9QXA that the applicant types to follow the case."""
    body = _random(8)
    return f"YSQ-{body[:4]}-{body[4:]}"


def new_access_token() -> str:
    """A 12-character secret (about 59 bits) given once to the applicant; only its hash is stored."""
    body = _random(12)
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


def normalise_code(value: str) -> str:
    """Codes and tokens as typed: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def hash_token(token: str) -> str:
    return hashlib.sha256(f"ysq-token:{normalise_code(token)}".encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return bool(token) and hmac.compare_digest(hash_token(token), stored_hash)


def format_tracking_code(value: str) -> str:
    """YSQ7K3M9QXA (as typed) → YSQ-7K3M-9QXA (as stored)."""
    value = normalise_code(value)
    if len(value) == 11 and value.startswith("YSQ"):
        return f"YSQ-{value[3:7]}-{value[7:]}"
    return value


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_check(first17: str) -> str:
    """The check character of an 18-digit resident identity number (GB 11643)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def valid_resident_id(value: str) -> bool:
    value = normalise_id(value)
    return bool(re.fullmatch(r"\d{17}[\dX]", value)) and resident_id_check(value[:17]) == value[17]
