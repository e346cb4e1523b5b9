"""Bulk import of documents from JSON Lines: `gongkai import documents FILE[.gz]`.

One JSON object a line; a gzip file is recognised by its `.gz` suffix or its magic bytes. Each line is
checked, then written through the publishing services by the system actor in its own transaction, so a
bad line is reported with its number and a reason in Chinese and the rest of the file still imports.
`external_id` makes re-import idempotent: a known document whose content changed gets a new revision
(published again when `status` is `published`); identical content is counted as unchanged and writes nothing.

| field | required | meaning and accepted values |
|---|---|---|
| `external_id` | yes | stable id in the source system (at most 100 characters) |
| `title` | yes | 标题 |
| `body` | yes | 正文, in `body_format` |
| `body_format` | | `text` (default: one paragraph a line), `markdown` or `html` (sanitised) |
| `agency` | | code (机构代码) of the owning agency; default `--agency`, else the root agency |
| `issuer` | | 发文机关: a list, or a string with joint issuers separated by 、 (or commas); names of agencies on the platform are linked, others kept as text in one spelling per body (short and older forms from `gongkai/search/data/issuer_short_names.tsv` written out, 中华人民共和国 left off: 人社部 → 人力资源和社会保障部) |
| `doc_number` | | 发文字号 |
| `doc_type` | | 公文种类 from the taxonomy (令 and 命令 read as 命令（令）); default 其他 |
| `subject` | | 主题分类 as `综合政务\\政务公开`, `综合政务/政务公开`, a top category or a unique sub-category; default 其他\\其他 |
| `signed_on`, `formed_on`, `published_on`, `effective_on`, `expires_on`, `repealed_on` | | dates as `2019-04-03`, `2019/4/3` or `2019年4月3日`; `published_on` only counts with `status` `published`; a date the line does not give stays empty (shown as 未注明, sorted last) — a new line imported as `published` without `formed_on` and `signed_on` takes its `published_on` as `formed_on`, or none; a changed line of a public document without `formed_on` is dated the day of import (a change starts its own clock), and a `formed_on` before the public version's 发布日期 is rejected |
| `disclosure_period` | | 公开时限依据: `regulation_art26` (default, 《条例》第二十六条 20 working days), `budget_law_art14_2` (部门预决算, 批复后 20 days) `budget_law_art14_1` (政府预决算, 批准后 20 days), `enterprise_policy` (涉企政策, 20 working days), `major_decision` (重大行政决策, 20 days from the decision), `licensing_penalty` (双公示, 7 working days) or `interpretation` (政策解读, 3 working days after the policy), or their Chinese labels (default: `default_period` of the 公文种类 in publishing/rules.py); under the budget periods `formed_on` is the approval date, under the decision periods the decision date, for an interpretation the policy's publication date |
| `validity` | | `valid`/有效 (default), `expired`/失效, `repealed`/废止, `amended`/已修订 |
| `disclosure_mode` | | `proactive`/主动公开 (default), `on_application`/依申请公开, `withheld`/不予公开 |
| `withheld_reason` | | the reason for not disclosing proactively (also read as `withholding_reason`) |
| `withholding_ground` | | the legal ground's code (e.g. `art14_state_secret`); for 依申请公开 with a reason it defaults to 《条例》第二十七条 |
| `status` | | `draft` (default) or `published` for archives already public elsewhere (audited as imported-as-published) |
| `tags` | | 政策标签: a list, or a string separated by 、 or commas |

Other keys are ignored. `--mapping laws` first turns each line from the laws corpus into this format
(`gongkai.publishing.corpus.map_law`).
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import json
import multiprocessing
import os
import re
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, transaction

from gongkai.core.errors import DomainError
from gongkai.core.importing import ImportSummary, LineError, LineRejected
from gongkai.core.taxonomy import DOC_TYPES, normalize_subject
from gongkai.core.text import BODY_FORMATS, sanitize_html, to_html
from gongkai.orgs.models import Agency
from gongkai.publishing import services
from gongkai.publishing.models import Document, Revision
from gongkai.publishing.rules import (
    DisclosureMode,
    DisclosurePeriod,
    Validity,
    WithholdingGround,
    default_period,
)
from gongkai.publishing.services import SYSTEM, DocumentData
from gongkai.publishing.signals import held_announcements
from gongkai.publishing.states import State
from gongkai.search.docnumbers import issuer_name

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_SUBJECT = "其他\\其他"
DEFAULT_DOC_TYPE = "其他"
DEFAULT_BODY_FORMAT = "text"
PROGRESS_EVERY = 500
# Below this size the bodies convert faster than worker processes start.
PARALLEL_MIN_BYTES = 2_000_000
MAX_WORKERS = 4
PIPELINE_WINDOW = 64

LABELS = {
    "external_id": "外部编号", "title": "标题", "body": "正文", "body_format": "正文格式", "agency": "机关",
    "issuer": "发文机关", "doc_number": "发文字号", "doc_type": "公文种类", "subject": "主题分类",
    "signed_on": "成文日期", "formed_on": "形成或变更日期", "published_on": "发布日期", "effective_on": "施行日期",
    "expires_on": "失效日期", "repealed_on": "废止日期", "validity": "有效性", "disclosure_mode": "公开属性",
    "withheld_reason": "不予主动公开的理由", "withholding_ground": "不予主动公开的依据", "status": "导入状态",
    "tags": "政策标签", "disclosure_period": "公开时限依据",
}
VALIDITIES = {**{v.value: v.value for v in Validity}, **{v.label: v.value for v in Validity}}
MODES = {**{m.value: m.value for m in DisclosureMode}, **{m.label: m.value for m in DisclosureMode}}
PERIODS = {**{p.value: p.value for p in DisclosurePeriod}, **{p.label: p.value for p in DisclosurePeriod}}
GROUNDS = {**{g.value: g.value for g in WithholdingGround}, **{g.label: g.value for g in WithholdingGround}}
STATUSES = {"draft": False, "published": True, "草稿": False, "已发布": True}
DOC_TYPE_ALIASES = {"令": "命令（令）", "命令": "命令（令）"}
_LIST_SEPARATORS = re.compile(r"[、,，;；]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")




@dataclass
class ImportItem:
    """One checked line, ready for the services."""

    external_id: str
    agency: Agency
    agency_given: bool
    data: DocumentData
    publish: bool
    published_on: dt.date | None
    stored_html: str | None = None  # the body as the services will store it, if already computed


class AgencyDirectory:
    """Every agency loaded once, so a line costs no agency query."""

    def __init__(self, default_code: str | None = None) -> None:
        agencies = list(Agency.objects.order_by("order", "id"))
        self.by_code = {a.code: a for a in agencies}
        self.id_by_name = {a.name: a.pk for a in agencies}
        if default_code:
            self.default = self.by_code.get(default_code.strip())
            if self.default is None:
                raise DomainError(f"--agency 指定的机构代码“{default_code}”不存在。")
        else:
            self.default = next((a for a in agencies if a.parent_id is None), None)


def _label(key: str) -> str:
    return f"{LABELS.get(key, key)}（{key}）"


def _text(record: dict[str, Any], key: str, *, required: bool = False, limit: int | None = None) -> str:
    value = record.get(key)
    if value is None:
        value = ""
    if isinstance(value, int | float) and not isinstance(value, bool) and key in ("external_id", "doc_number"):
        value = str(value)
    if not isinstance(value, str):
        raise LineRejected(f"{_label(key)}应为字符串。")
    value = value.strip()
    if required and not value:
        raise LineRejected(f"缺少必填字段{_label(key)}。")
    if limit is not None and len(value) > limit:
        raise LineRejected(f"{_label(key)}不能超过 {limit} 个字。")
    return value


def _date(record: dict[str, Any], key: str) -> dt.date | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    try:
        if match:
            return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise LineRejected(f"{_label(key)}不是有效日期：“{value}”，应写作 YYYY-MM-DD。")


def _choice(record: dict[str, Any], key: str, choices: dict[str, Any], default: Any) -> Any:
    value = _text(record, key)
    if not value:
        return default
    if value not in choices and value.lower() in choices:
        value = value.lower()
    if value not in choices:
        accepted = "、".join(choices)
        raise LineRejected(f"{_label(key)}的值“{value}”无法识别，可用：{accepted}。")
    return choices[value]


def _names(record: dict[str, Any], key: str) -> list[str]:
    value = record.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = _LIST_SEPARATORS.split(value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = value
    else:
        raise LineRejected(f"{_label(key)}应为字符串或字符串列表。")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def body_html(record: dict[str, Any]) -> str:
    """The record's body converted to sanitised HTML; raise LineRejected if it is missing or malformed."""
    body = record.get("body")
    if body is None or (isinstance(body, str) and not body.strip()):
        raise LineRejected(f"缺少必填字段{_label('body')}。")
    if not isinstance(body, str):
        raise LineRejected(f"{_label('body')}应为字符串。")
    body_format = _text(record, "body_format").lower() or DEFAULT_BODY_FORMAT
    if body_format not in BODY_FORMATS:
        raise LineRejected(f"{_label('body_format')}只能是 text、markdown 或 html，而不是“{body_format}”。")
    return to_html(body, body_format)


def parse_record(record: dict[str, Any], agencies: AgencyDirectory, html: str | None = None,
                 stored_html: str | None = None) -> ImportItem:
    """Check one native record and turn it into an ImportItem; raise LineRejected with the reason.

    `html` and `stored_html` are the body from body_html() and as stored, when already computed."""
    external_id = _text(record, "external_id", required=True, limit=100)
    title = _text(record, "title", required=True, limit=300)
    if html is None:
        html = body_html(record)

    code = _text(record, "agency")
    if code:
        agency = agencies.by_code.get(code)
        if agency is None:
            raise LineRejected(f"未知的机关代码：“{code}”。")
    elif agencies.default is None:
        raise LineRejected("没有指定机关，系统中也没有根机关：请先运行 gongkai setup 创建根机关，"
                             "或用 --agency 指定、在记录中填写 agency。")
    else:
        agency = agencies.default

    subject_value = _text(record, "subject")
    subject = normalize_subject(subject_value) if subject_value else DEFAULT_SUBJECT
    if subject is None:
        raise LineRejected(f"未知的主题分类：“{subject_value}”。")
    doc_type = _text(record, "doc_type") or DEFAULT_DOC_TYPE
    doc_type = DOC_TYPE_ALIASES.get(doc_type, doc_type)
    if doc_type not in DOC_TYPES:
        raise LineRejected(f"未知的公文种类：“{doc_type}”。")

    issuing_ids: list[int] = []
    others: list[str] = []
    for name in _names(record, "issuer"):
        # One spelling per issuer (人社部, 人力资源社会保障部 → 人力资源和社会保障部), from the search's issuer table,
        # so the library's 发文机关 filter lists each body once.
        name = name if name in agencies.id_by_name else issuer_name(name)
        if name in agencies.id_by_name:
            issuing_ids.append(agencies.id_by_name[name])
        elif name not in others:
            others.append(name)
    other_issuers = "、".join(others)
    if len(other_issuers) > 300:
        raise LineRejected(f"{_label('issuer')}中本平台以外的机关名称合计不能超过 300 个字。")

    mode = _choice(record, "disclosure_mode", MODES, DisclosureMode.PROACTIVE)
    reason = _text(record, "withheld_reason") or _text(record, "withholding_reason")
    ground = _choice(record, "withholding_ground", GROUNDS, "")
    if mode != DisclosureMode.PROACTIVE and reason and not ground:
        if mode == DisclosureMode.ON_APPLICATION:
            ground = WithholdingGround.SPECIFIC_NEED
        else:
            raise LineRejected("不予公开的信息须在 withholding_ground 中注明法律依据（例如 art14_state_secret），"
                               "可用：" + "、".join(WithholdingGround.values) + "。")
    publish = _choice(record, "status", STATUSES, False)
    if publish and mode != DisclosureMode.PROACTIVE:
        raise LineRejected("不予公开或依申请公开的信息不能以已发布状态导入。")

    data = DocumentData(
        title=title,
        # Converted once here: the services then only re-sanitise HTML, instead of running Markdown twice.
        body=html, body_format="html",
        subject=subject, doc_type=doc_type, doc_number=_text(record, "doc_number", limit=100),
        signed_on=_date(record, "signed_on"), formed_on=_date(record, "formed_on"),
        disclosure_period=_choice(record, "disclosure_period", PERIODS, default_period(doc_type)),
        issuing_agency_ids=issuing_ids, other_issuers=other_issuers,
        disclosure_mode=mode, withholding_ground=ground, withholding_reason=reason,
        tags=_names(record, "tags"),
        validity=_choice(record, "validity", VALIDITIES, Validity.VALID),
        effective_on=_date(record, "effective_on"), expires_on=_date(record, "expires_on"),
        repealed_on=_date(record, "repealed_on"),
    )
    published_on = _date(record, "published_on")
    # A record public already whose source gives no date at all keeps none: the import day is not its
    # 发布日期 nor its 形成或变更日期 (no disclosure clock runs for it; see apply_item for a dated one).
    data.undated = publish and data.formed_on is None and data.signed_on is None and published_on is None
    return ImportItem(external_id=external_id, agency=agency, agency_given=bool(code), data=data,
                      publish=publish, published_on=published_on, stored_html=stored_html)


def _same_content(document: Document, item: ImportItem) -> bool:
    """True if the latest revision already holds exactly what the services would write for the item."""
    rev: Revision | None = document.latest_revision
    if rev is None:
        return False
    data = item.data
    withheld = data.disclosure_mode != DisclosureMode.PROACTIVE
    # Without formed_on the services date a draft by its signed_on (else the save date) and a change to a public
    # document by the change itself, so only a draft's signed_on stands in for it here.
    formed_on = data.formed_on or (None if document.live_revision_id else data.signed_on)
    same = (
        rev.title == data.title.strip() and rev.doc_number == data.doc_number.strip()
        and rev.signed_on == data.signed_on and (formed_on is None or rev.formed_on == formed_on)
        and rev.doc_type == data.doc_type and rev.subject == data.subject
        and rev.disclosure_period == data.disclosure_period
        and rev.other_issuers == data.other_issuers.strip() and rev.disclosure_mode == data.disclosure_mode
        and rev.withholding_ground == (data.withholding_ground if withheld else "")
        and rev.withholding_reason == (data.withholding_reason if withheld else "")
    )
    stored_html = item.stored_html if item.stored_html is not None else sanitize_html(data.body)
    if not same or rev.body_html != stored_html:
        return False
    # Both many-to-many sets in one query: their cross product is tiny (a few issuers times a few tags).
    rows = Revision.objects.filter(pk=rev.pk).order_by().values_list("issuing_agencies", "tags__name")
    # The services name the owning agency as issuer when a document names none.
    issuers = set(data.issuing_agency_ids) or ({document.agency_id} if not data.other_issuers.strip() else set())
    tags = {t.strip()[:40] for t in data.tags if t.strip()}
    return ({a for a, _ in rows if a is not None} == issuers
            and {t for _, t in rows if t is not None} == tags)


def _same_lifecycle(document: Document, data: DocumentData) -> bool:
    return (document.validity, document.effective_on, document.expires_on, document.repealed_on) == (
        data.validity, data.effective_on, data.expires_on, data.repealed_on)


def apply_item(item: ImportItem) -> str:
    """Create or update the document for `item`; return "created", "updated" or "unchanged" (call in a transaction)."""
    try:
        document = (Document.objects.select_related("latest_revision").defer("latest_revision__body_text")
                    .get(external_id=item.external_id))
    except Document.DoesNotExist:
        document = None
    if document is None:
        item.data.change_note = "批量导入"
        if item.publish and item.data.formed_on is None and item.data.signed_on is None:
            # New and public already: its 形成或变更日期 falls back to its own 发布日期, never to the import day.
            item.data.formed_on = item.published_on
        document = services.create_document(SYSTEM, item.agency, item.data, external_id=item.external_id)
        if item.publish:
            services.import_published(document, published_on=item.published_on)
        return "created"

    if item.agency_given and document.agency_id != item.agency.pk:
        raise LineRejected(f"外部编号“{item.external_id}”的文件属于另一机关，导入不能更改公开主体。")
    content_same = _same_content(document, item)
    if document.superseded and document.validity == Validity.AMENDED and item.data.validity == Validity.VALID:
        # A newer version in the library made this one 已修订 (services.versions); the source's 有效 is about the
        # law in force, so re-importing the older version must not turn it back.
        item.data.validity = Validity.AMENDED
    lifecycle_same = _same_lifecycle(document, item.data)
    if not lifecycle_same and document.ever_published:
        # save_revision leaves a published document's lifecycle alone: the source system's word on
        # validity (e.g. a repeal) is applied to the live document directly, as a publisher would.
        data = item.data
        services.set_validity(SYSTEM, document, data.validity, effective_on=data.effective_on,
                              expires_on=data.expires_on, repealed_on=data.repealed_on, comment="批量导入更新")
        document.refresh_from_db()
    lifecycle_updated = not lifecycle_same and document.ever_published
    # A draft's lifecycle fields travel with its next revision (save_revision applies them).
    changed = not content_same or (not lifecycle_same and not document.ever_published)
    needs_publish = item.publish and (
        changed or document.state != State.PUBLISHED or document.live_revision_id != document.latest_revision_id
        or (item.published_on is not None and document.published_on != item.published_on))
    if needs_publish and (document.is_withdrawn or document.state not in (State.DRAFT, State.PUBLISHED, State.FILED)):
        raise LineRejected(f"文件当前状态为“{document.status_label}”，导入不会改变其发布状态；请在工作台办理。")
    if changed:
        item.data.change_note = "批量导入更新"
        services.save_revision(SYSTEM, document, item.data)
    if needs_publish:
        services.import_published(document, published_on=item.published_on)
        return "updated"
    return "updated" if changed or lifecycle_updated else "unchanged"


def _reason(exc: DomainError) -> str:
    messages = [m for ms in exc.errors.values() for m in ms] or [exc.message]
    return "".join(dict.fromkeys(messages))


def _mapper(mapping: str | None) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    if mapping in (None, "", "native"):
        return None
    if mapping == "laws":
        from gongkai.publishing.corpus import map_law

        return map_law
    raise DomainError(f"未知的字段映射：{mapping}（可用：native、laws）。")


@dataclass
class PreparedLine:
    """A line decoded, mapped and with its body converted: the part of the work that needs no database."""

    number: int
    record: dict[str, Any] | None = None  # None with no error: a blank line
    html: str = ""
    stored_html: str = ""
    error: str = ""
    last: bool = False  # the input broke off after this line


def prepare_line(numbered: tuple[int, bytes | str | Exception], mapping: str | None) -> PreparedLine:
    """Decode one numbered raw line, apply the mapping and convert the body (runs in a worker process)."""
    number, raw = numbered
    if isinstance(raw, Exception):
        return PreparedLine(number, error=f"文件读取中断，此后的内容没有导入：{raw}", last=True)
    try:
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:
            raise LineRejected("不是有效的 UTF-8 文本。") from exc
        text = text.lstrip("\ufeff").strip()
        if not text:
            return PreparedLine(number)
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LineRejected(f"不是有效的 JSON（第 {exc.colno} 列：{exc.msg}）。") from exc
        if not isinstance(record, dict):
            raise LineRejected("每行应为一个 JSON 对象（{…}）。")
        mapper = _mapper(mapping)
        if mapper is not None:
            try:
                record = mapper(record)
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                raise LineRejected(f"记录不符合所选映射的格式（{exc!r}）。") from exc
        # Required fields first, so a line missing several of them always names the same one.
        _text(record, "external_id", required=True, limit=100)
        _text(record, "title", required=True, limit=300)
        html = body_html(record)
        # Also what the services will store, so a re-import compares without sanitising in the writer.
        return PreparedLine(number, record, html, sanitize_html(html))
    except LineRejected as exc:
        return PreparedLine(number, error=str(exc))


def _numbered(lines: Iterable[bytes | str]) -> Iterator[tuple[int, bytes | str | Exception]]:
    """Number the lines; a stream that breaks off (truncated or corrupt gzip) ends with its exception."""
    iterator = iter(lines)
    number = 0
    while True:
        number += 1
        try:
            yield number, next(iterator)
        except StopIteration:
            return
        except (OSError, EOFError, zlib.error) as exc:
            yield number, exc
            return


def _prepared(lines: Iterable[bytes | str], mapping: str | None, workers: int) -> Iterator[PreparedLine]:
    """Prepared lines in order; with workers, Markdown runs in other processes while this one writes."""
    numbered = _numbered(lines)
    if workers <= 0:
        yield from (prepare_line(n, mapping) for n in numbered)
        return
    # fork: the workers inherit the loaded code and never touch the database connection.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque[Any] = deque()
        for n in numbered:
            pending.append(pool.apply_async(prepare_line, (n, mapping)))
            # A bounded window: workers stay ahead of the writer without holding the whole file in memory.
            if len(pending) >= PIPELINE_WINDOW:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def default_workers(size: int) -> int:
    """Worker processes worth starting for an input of `size` bytes: none for small files or one CPU."""
    if size < PARALLEL_MIN_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, min(MAX_WORKERS, cpus - 1))


def _import_prepared(prepared: Iterable[PreparedLine], agencies: AgencyDirectory, summary: ImportSummary,
                     out: IO[str] | None, progress: bool) -> None:
    """Apply each prepared line in its own transaction, counting outcomes and reporting bad lines."""
    for line in prepared:
        if line.error:
            _fail(summary, out, line.number, line.error)
            if line.last:
                break
            continue
        if line.record is None:
            continue
        try:
            item = parse_record(line.record, agencies, line.html, line.stored_html)
            with transaction.atomic():
                outcome = apply_item(item)
        except LineRejected as exc:
            _fail(summary, out, line.number, str(exc))
            continue
        except DomainError as exc:
            _fail(summary, out, line.number, _reason(exc))
            continue
        except DatabaseError as exc:
            _fail(summary, out, line.number, f"写入数据库失败：{exc}")
            continue
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if progress and line.number % PROGRESS_EVERY == 0:
            print(f"已处理 {line.number} 行……", file=out, flush=True)


def import_lines(lines: Iterable[bytes | str], *, mapping: str | None = "native", agency_code: str | None = None,
                 out: IO[str] | None = None, workers: int = 0) -> ImportSummary:
    """Import JSONL lines (bytes or text), one transaction a line; return the summary."""
    _mapper(mapping)  # an unknown mapping fails before any line is read
    agencies = AgencyDirectory(agency_code)
    summary = ImportSummary()
    progress = out is not None and out.isatty()
    with held_announcements():
        _import_prepared(_prepared(lines, mapping, workers), agencies, summary, out, progress)
    if out is not None:
        print(f"导入完成：{summary}", file=out, flush=True)
    return summary


def _fail(summary: ImportSummary, out: IO[str] | None, number: int, reason: str) -> None:
    error = LineError(number, reason)
    summary.errors.append(error)
    if out is not None:
        print(error, file=out, flush=True)


def _read_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as probe:
        gzipped = path.suffix == ".gz" or probe.read(2) == GZIP_MAGIC
    with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as stream:
        yield from stream


def import_file(path: str | Path, *, mapping: str | None = "native", agency_code: str | None = None,
                out: IO[str] | None = None, workers: int | None = None) -> ImportSummary:
    """Import a JSONL file (gzip accepted) as described in this module; return the summary.

    A missing file raises FileNotFoundError and an unknown `agency_code` DomainError, before any line is read.
    `workers` (default: chosen from the file size and CPUs) is the number of processes converting bodies."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "找不到文件", str(path))
    if workers is None:
        workers = default_workers(path.stat().st_size)
    return import_lines(_read_lines(path), mapping=mapping, agency_code=agency_code, out=out, workers=workers)
