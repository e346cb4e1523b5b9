"""Bulk import of historical cases from an old system: `gongkai import applications FILE[.gz]`.

One JSON object a line (gzip recognised by `.gz` or its magic bytes). Each line is checked and written through
services.import_application in its own transaction, so a bad line is reported with its number and a Chinese
reason and the rest of the file still imports. `external_id` makes re-import idempotent.

| field | required | meaning |
|---|---|---|
| `external_id` | yes | id in the old system (at most 100 characters) |
| `agency` | yes | code (机构代码) of the agency that handled the case |
| `applicant_type` | yes | `natural_person` / 自然人, `legal_person` / 法人或其他组织 |
| `organization_kind` | for legal persons | `commercial` `research` `public_interest` `legal_service` `other` (or 商业企业 …) |
| `received_on` | yes | date of receipt, `2026-03-02` (also `2026/3/2`, `2026年3月2日`) |
| `closed_on` | | date the reply was made; `null` for a case still being handled |
| `decision` | with `closed_on` | a decision code, e.g. `withheld.third_party_rights` |
| `channel` | | `online` (default) `in_person` `post` `post_unsigned` `fax` |
| `review` | | an object or a list: `{"filed_on", "outcome", "concluded_on", "authority", "reference"}` |
| `litigation` | | the same plus `route`: `direct` / 直接起诉 or `after_review` / 复议后起诉 |

`outcome` is `maintained` / 维持, `corrected` / 纠正, `other` / 其他, `pending` / 尚未审结 (default).
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import json
import re
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.core.importing import ImportSummary, LineError, LineRejected
from gongkai.disclosure import rules, services
from gongkai.disclosure.models import (
    ApplicantType,
    LitigationRoute,
    OrganizationKind,
    RemedyKind,
    RemedyOutcome,
)
from gongkai.disclosure.services import HistoricalCase, RemedyRecord
from gongkai.orgs.models import Agency

GZIP_MAGIC = b"\x1f\x8b"
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
APPLICANT_TYPES = {**{t.value: t.value for t in ApplicantType}, **{t.label: t.value for t in ApplicantType}}
ORGANIZATION_KINDS = {**{k.value: k.value for k in OrganizationKind}, **{k.label: k.value for k in OrganizationKind}}
OUTCOMES = {**{o.value: o.value for o in RemedyOutcome}, **{o.label: o.value for o in RemedyOutcome},
            "维持": RemedyOutcome.MAINTAINED, "纠正": RemedyOutcome.CORRECTED, "其他": RemedyOutcome.OTHER}
ROUTES = {**{r.value: r.value for r in LitigationRoute}, **{r.label: r.value for r in LitigationRoute},
          "直接起诉": LitigationRoute.DIRECT}




def _date(value: Any, name: str, *, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise LineRejected(f"缺少 {name}")
        return None
    match = _DATE.match(str(value).strip())
    try:
        if match is None:
            raise ValueError
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise LineRejected(f"{name} 不是有效日期：{value}") from None
    if day > timezone.localdate():
        raise LineRejected(f"{name} 不能晚于今天：{value}")
    return day


def _choice(value: Any, name: str, choices: dict[str, str], *, default: str | None = None) -> str:
    if value in (None, "") and default is not None:
        return default
    key = str(value).strip() if value is not None else ""
    if key not in choices:
        raise LineRejected(f"{name} 的值无效：{value}")
    return choices[key]


def _records(value: Any, name: str) -> list[dict]:
    if value in (None, "", []):
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in items):
        raise LineRejected(f"{name} 应为对象或对象数组")
    return items


def _remedy(item: dict, kind: str) -> RemedyRecord:
    name = "review" if kind == RemedyKind.REVIEW else "litigation"
    route = ""
    if kind == RemedyKind.LITIGATION:
        route = _choice(item.get("route"), f"{name}.route", ROUTES)
    filed_on = _date(item.get("filed_on"), f"{name}.filed_on", required=True)
    outcome = _choice(item.get("outcome"), f"{name}.outcome", OUTCOMES, default=RemedyOutcome.PENDING)
    concluded_on = _date(item.get("concluded_on"), f"{name}.concluded_on")
    if outcome != RemedyOutcome.PENDING and concluded_on is None:
        concluded_on = filed_on  # the old system kept no date: the filing date is the best known bound
    if concluded_on and concluded_on < filed_on:
        raise LineRejected(f"{name}.concluded_on 早于 filed_on")
    return RemedyRecord(kind=kind, filed_on=filed_on, outcome=outcome, route=route, concluded_on=concluded_on,
                        authority=str(item.get("authority") or "")[:200],
                        reference=str(item.get("reference") or "")[:100])


def parse(record: Any, agencies: dict[str, Agency]) -> HistoricalCase:
    """Check one decoded line and turn it into a HistoricalCase, or raise LineRejected."""
    if not isinstance(record, dict):
        raise LineRejected("每行应为一个 JSON 对象")
    external_id = str(record.get("external_id") or "").strip()
    if not external_id:
        raise LineRejected("缺少 external_id")
    if len(external_id) > 100:
        raise LineRejected("external_id 不能超过 100 个字符")
    agency = agencies.get(str(record.get("agency") or "").strip())
    if agency is None:
        raise LineRejected(f"找不到机关：{record.get('agency')}")
    applicant_type = _choice(record.get("applicant_type"), "applicant_type", APPLICANT_TYPES)
    organization_kind = ""
    if applicant_type == ApplicantType.LEGAL_PERSON:
        organization_kind = _choice(record.get("organization_kind"), "organization_kind", ORGANIZATION_KINDS)
    received_on = _date(record.get("received_on"), "received_on", required=True)
    closed_on = _date(record.get("closed_on"), "closed_on")
    if closed_on and closed_on < received_on:
        raise LineRejected("closed_on 早于 received_on")
    decision = str(record.get("decision") or "").strip()
    if closed_on and decision not in rules.DECISIONS:
        raise LineRejected(f"decision 不是有效的答复类型：{decision or '（空）'}")
    channel = _choice(record.get("channel"), "channel", {c.value: c.value for c in rules.Channel},
                      default=rules.Channel.ONLINE)
    remedies = [_remedy(item, RemedyKind.REVIEW) for item in _records(record.get("review"), "review")]
    remedies += [_remedy(item, RemedyKind.LITIGATION) for item in _records(record.get("litigation"), "litigation")]
    return HistoricalCase(external_id=external_id, agency=agency, applicant_type=applicant_type,
                          organization_kind=organization_kind, received_on=received_on, closed_on=closed_on,
                          decision=decision, remedies=remedies, channel=channel)


def import_lines(lines: Iterable[bytes | str], out: IO[str] | None = None) -> ImportSummary:
    """Import every line; report rejected ones and carry on."""
    summary = ImportSummary()
    agencies = {a.code: a for a in Agency.objects.all()}
    iterator, number = iter(lines), 0
    while True:
        try:
            raw = next(iterator)
        except StopIteration:
            break
        except (OSError, EOFError, zlib.error) as exc:
            # A truncated or corrupt gzip: what was read is kept, the rest is reported.
            summary.errors.append(LineError(number + 1, f"文件读取失败（{exc}），此后的内容未导入"))
            if out is not None:
                out.write(f"{summary.errors[-1]}\n")
            break
        number += 1
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if not text.strip():
            continue
        try:
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise LineRejected(f"不是有效的 JSON（{exc.msg}）") from None
            outcome = services.import_application(parse(record, agencies))
        except (LineRejected, DomainError) as exc:
            summary.errors.append(LineError(number, getattr(exc, "message", None) or str(exc)))
            if out is not None:
                out.write(f"{summary.errors[-1]}\n")
            continue
        except DatabaseError as exc:
            summary.errors.append(LineError(number, f"数据库拒绝写入：{exc}"))
            if out is not None:
                out.write(f"{summary.errors[-1]}\n")
            continue
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    if out is not None:
        out.write(f"导入完成：{summary}\n")
    return summary


def import_file(path: str | Path, out: IO[str] | None = None) -> ImportSummary:
    """Import a JSONL file (gzip accepted); a missing file raises FileNotFoundError."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "找不到文件", str(path))
    with open(path, "rb") as probe:
        gzipped = path.suffix == ".gz" or probe.read(2) == GZIP_MAGIC
    with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as stream:
        return import_lines(stream, out=out)
