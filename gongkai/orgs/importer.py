"""Agency and staff lists from CSV or XLSX: `gongkai agencies import FILE`, `gongkai users import FILE`.

The first non-empty row names the columns, in Chinese or English (a note in brackets after the name, as in
`类型（政府/部门/镇街/其他）`, is ignored). CSV may be UTF-8 (with or without BOM) or GBK, as Excel on
Chinese Windows saves it; of an XLSX workbook the first sheet is read. Each row is checked and written through
the orgs services in its own transaction, so a bad row is reported with its line number and a Chinese reason
and the rest still imports. Importing the same file again writes nothing (every row counts as unchanged).

Agencies:

| column | required | meaning |
|---|---|---|
| 机构代码 / code | yes | 统一社会信用代码 (18 characters, check character verified) or 9-character 组织机构代码 |
| 名称 / name | yes | full name, unique on the platform |
| 上级机构代码 / parent_code | | the parent's code, in this file (before or after the row) or on the platform; empty: the root |
| 类型 / kind | | 政府 / 人民政府 / government, 部门 / department, 镇街 / 镇（街道） / township, 其他 / other |
| 排序 / order | | integer, smaller first (default 100) |
| 简称 / short_name, 办公地址 / address, 联系电话 / phone | | optional |

Users:

| column | required | meaning |
|---|---|---|
| 用户名 / username | yes | login name |
| 姓名 / name | yes | full name |
| 机构代码 / agency_code | yes | the agency the user belongs to and holds the roles in |
| 角色 / roles | yes | role values or Chinese labels (起草人, 审核人 …), separated by 、 , ， ; ； |
| 含下级 / covers_subordinates | | 是/否, yes/no, 1/0: the roles also reach every agency below (default 否) |
| 邮箱 / email, 职务 / title | | optional |

The roles in the file are all the user holds afterwards. An optional column left out of the file keeps what is
stored; present but empty, it clears the stored value (an empty 类型 or 排序 keeps it; a new agency gets 政府 at
the root, else 部门, and 100).
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError

from gongkai.core.errors import DomainError
from gongkai.core.importing import ImportSummary, LineError, LineRejected
from gongkai.orgs import services
from gongkai.orgs.models import Agency, AgencyKind
from gongkai.orgs.roles import Role
from gongkai.orgs.services import AgencyData, StaffData, StaffImport

# Canonical column → the headers that name it (compared without case, spaces or a bracketed note).
AGENCY_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("机构代码", "统一社会信用代码", "code"),
    "name": ("名称", "机构名称", "name"),
    "parent_code": ("上级机构代码", "上级代码", "parent_code", "parent"),
    "kind": ("类型", "机构类型", "kind"),
    "order": ("排序", "order"),
    "short_name": ("简称", "short_name"),
    "address": ("办公地址", "地址", "address"),
    "phone": ("联系电话", "电话", "phone"),
}
AGENCY_REQUIRED = ("code", "name")
USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("用户名", "账号", "username"),
    "name": ("姓名", "name"),
    "agency_code": ("机构代码", "所属机构代码", "agency_code", "agency"),
    "roles": ("角色", "roles", "role"),
    "email": ("邮箱", "电子邮箱", "email"),
    "covers_subordinates": ("含下级", "含下级机关", "covers_subordinates"),
    "title": ("职务", "title"),
}
USER_REQUIRED = ("username", "name", "agency_code", "roles")
LABELS = {"code": "机构代码", "name": "名称", "parent_code": "上级机构代码", "kind": "类型", "order": "排序",
          "short_name": "简称", "address": "办公地址", "phone": "联系电话", "username": "用户名",
          "agency_code": "机构代码", "roles": "角色", "email": "邮箱", "covers_subordinates": "含下级",
          "title": "职务"}
USER_LABELS = {**LABELS, "name": "姓名"}

KINDS = {
    "government": AgencyKind.GOVERNMENT, "政府": AgencyKind.GOVERNMENT, "人民政府": AgencyKind.GOVERNMENT,
    "department": AgencyKind.DEPARTMENT, "部门": AgencyKind.DEPARTMENT, "政府部门": AgencyKind.DEPARTMENT,
    "township": AgencyKind.TOWNSHIP, "镇街": AgencyKind.TOWNSHIP, "镇（街道）": AgencyKind.TOWNSHIP,
    "镇": AgencyKind.TOWNSHIP, "街道": AgencyKind.TOWNSHIP,
    "other": AgencyKind.OTHER, "其他": AgencyKind.OTHER, "其他单位": AgencyKind.OTHER,
}
# A role by its value, its label (审核人（分管领导）) or the label's head (审核人).
ROLES = {name: role.value for role in Role for name in (role.value, role.label, role.label.split("（")[0])}
TRUE_WORDS = {"是", "yes", "y", "1", "true", "对", "√"}
FALSE_WORDS = {"否", "no", "n", "0", "false", "不", ""}
_LIST_SEPARATORS = re.compile(r"[、,，;；]")
_HEADER_NOTE = re.compile(r"[（(].*[)）]$")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Row:
    """One data row: its line (CSV) or row number (XLSX) and the text of each known column it has."""

    line: int
    values: dict[str, str]

    def get(self, name: str) -> str | None:
        """The cell's text; None when the file has no such column."""
        return self.values.get(name)


@dataclass
class Table:
    rows: list[Row]
    ignored: list[str] = field(default_factory=list)  # headers no column answers to


# ---------------------------------------------------------------------------------------------------------------
# Reading files

def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees in it (1.0 → "1", TRUE → "1")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码的 CSV。")


def _csv_cells(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, [c.strip() for c in cells]
            start = reader.line_num + 1  # a quoted cell may span lines: report where the row begins
    except csv.Error as exc:
        raise DomainError(f"CSV 文件第 {start} 行格式错误（{exc}），请检查引号是否成对。") from None


def _xlsx_cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DomainError(f"无法读取 XLSX 文件（{exc}）：请确认是 Excel 2007 及以后的 .xlsx 格式。") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise DomainError("不支持旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV。")
    with open(path, "rb") as stream:
        data = stream.read()
    if suffix in (".xlsx", ".xlsm") or data[:4] == XLSX_MAGIC:
        return _xlsx_cells(path)
    return _csv_cells(data)


def _header_key(text: str) -> str:
    text = re.sub(r"\s", "", text.replace("\ufeff", "")).rstrip("*＊")
    return _HEADER_NOTE.sub("", text).lower() or text.lower()


def read_table(path: str | Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...],
               labels: dict[str, str]) -> Table:
    """Read a CSV or XLSX file into rows of known columns; DomainError if it cannot be read or lacks a column."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "找不到文件", str(path))
    by_header = {_header_key(alias): name for name, aliases in columns.items() for alias in aliases}
    positions: dict[str, int] | None = None
    table = Table(rows=[])
    for number, cells in _cells(path):
        if not any(cells):
            continue
        if positions is None:
            positions = {}
            for index, header in enumerate(cells):
                name = by_header.get(_header_key(header))
                if name is None:
                    if header:
                        table.ignored.append(header)
                elif name in positions:
                    raise DomainError(f"第 {number} 行：列“{header}”与前面的列重复（都表示{labels[name]}）。")
                else:
                    positions[name] = index
            missing = [f"{labels[n]}（{n}）" for n in required if n not in positions]
            if missing:
                raise DomainError(f"文件缺少必需的列：{'、'.join(missing)}。第一行应为列名，"
                                  f"例如：{'，'.join(labels[n] for n in columns)}。")
            continue
        table.rows.append(Row(number, {name: cells[i].strip() if i < len(cells) else ""
                                       for name, i in positions.items()}))
    if positions is None:
        raise DomainError("文件是空的：第一行应为列名，其后每行一条记录。")
    return table


# ---------------------------------------------------------------------------------------------------------------
# Agencies

@dataclass
class AgencyRow:
    line: int
    code: str
    name: str
    parent_code: str
    data: AgencyData


def _code(value: str | None) -> str:
    return re.sub(r"\s", "", value or "").upper()


def parse_kind(value: str) -> str | None:
    """An agency kind from its value or a Chinese name; None for an empty cell."""
    text = value.strip()
    if not text:
        return None
    kind = KINDS.get(text.lower()) or KINDS.get(text.replace("(", "（").replace(")", "）"))
    if kind is None:
        raise LineRejected(f"未知的类型“{text}”：应为 政府、部门、镇街 或 其他。")
    return kind


def _order(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise LineRejected(f"排序应为整数：“{value}”。") from None


def parse_agency_row(row: Row) -> AgencyRow:
    """Check the cells of one agency row; raise LineRejected with the reason."""
    code, name = _code(row.get("code")), (row.get("name") or "").strip()
    if not code:
        raise LineRejected("缺少机构代码。")
    if not name:
        raise LineRejected("缺少名称。")
    parent_code = _code(row.get("parent_code"))
    if parent_code == code:
        raise LineRejected("上级机构代码不能是本机关自己的代码。")
    data = AgencyData(code=code, name=name, kind=parse_kind(row.get("kind") or ""), order=_order(row.get("order")),
                      short_name=row.get("short_name"), address=row.get("address"), phone=row.get("phone"))
    return AgencyRow(row.line, code, name, parent_code, data)


def _cycle(start: str, parents: dict[str, str]) -> list[str] | None:
    """The codes of the cycle `start` is on, following `parents` upward; None if the chain ends at a root."""
    path, seen = [start], {start}
    node = parents.get(start, "")
    while node:
        if node == start:
            return path + [start]
        if node in seen:
            return None  # a cycle further up, reported on its own rows
        path.append(node)
        seen.add(node)
        node = parents.get(node, "")
    return None


class _AgencyRun:
    """One `agencies import`: rows checked first, then written parents before children."""

    def __init__(self, rows: list[AgencyRow], errors: dict[int, str], actor) -> None:
        self.rows = {r.code: r for r in rows}
        self.errors = errors
        self.actor = actor
        self.summary = ImportSummary()
        self.stored = {a.code: a for a in Agency.objects.select_related("parent")}
        # Where each agency hangs once the file is imported: the file's word, else the platform's.
        self.parents = {code: a.parent.code if a.parent else "" for code, a in self.stored.items()}
        self.parents.update({code: r.parent_code for code, r in self.rows.items()})
        self.done: dict[str, Agency | None] = {}  # code → written agency, or None when its row failed

    def check(self) -> None:
        """Reject rows whose parent is nowhere to be found or that would sit below themselves."""
        for row in self.rows.values():
            if row.parent_code and row.parent_code not in self.rows and row.parent_code not in self.stored:
                self._fail(row, f"上级机构代码“{row.parent_code}”既不在本文件中，也不在系统中。")
        for code, row in self.rows.items():
            cycle = _cycle(code, self.parents)
            if cycle:
                names = " → ".join(self.rows[c].name if c in self.rows else self.stored[c].name for c in cycle)
                self._fail(row, f"上级机构形成循环：{names}。")

    def _fail(self, row: AgencyRow, reason: str) -> None:
        self.errors.setdefault(row.line, reason)
        self.done[row.code] = None
        return None

    def write(self, row: AgencyRow) -> Agency | None:
        """Write `row` after the rows above it in the file; return the agency, or None if it failed."""
        if row.code in self.done:
            return self.done[row.code]
        self.done[row.code] = None  # guards against a cycle that check() let through
        parent = None
        if row.parent_code:
            above = self.rows.get(row.parent_code)
            parent = self.write(above) if above else self.stored[row.parent_code]
            if parent is None:
                return self._fail(row, f"上级机构“{above.name}”（第 {above.line} 行）未能导入，本行也未导入。")
        self._write_rows_above(row)
        try:
            agency, outcome = services.import_agency(replace(row.data, parent=parent), actor=self.actor)
        except DomainError as exc:
            return self._fail(row, exc.message)
        except DatabaseError as exc:
            return self._fail(row, f"数据库拒绝写入：{exc}")
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self.done[row.code] = agency
        return agency

    def _write_rows_above(self, row: AgencyRow) -> None:
        # A platform agency between this row and a higher row of the file: the higher row is written first,
        # so the chain the services check for cycles is already the final one.
        node = self.parents.get(row.parent_code, "") if row.parent_code in self.stored else ""
        seen: set[str] = set()
        while node and node not in seen:
            seen.add(node)
            if node in self.rows:
                self.write(self.rows[node])
            node = self.parents.get(node, "")


def import_agencies(path: str | Path, *, out: IO[str] | None = None, actor=None) -> ImportSummary:
    """Import an agency list (CSV or XLSX); print rejected rows and the summary to `out`; return the summary."""
    table = read_table(path, AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    _note_ignored(table, out)
    rows: list[AgencyRow] = []
    errors: dict[int, str] = {}
    first_line: dict[str, int] = {}
    for row in table.rows:
        try:
            parsed = parse_agency_row(row)
            if parsed.code in first_line:
                raise LineRejected(f"机构代码“{parsed.code}”与第 {first_line[parsed.code]} 行重复。")
        except LineRejected as exc:
            errors[row.line] = str(exc)
            continue
        first_line[parsed.code] = row.line
        rows.append(parsed)
    run = _AgencyRun(rows, errors, actor)
    run.check()
    for row in rows:
        run.write(row)
    run.summary.errors = [LineError(line, reason) for line, reason in sorted(errors.items())]
    _report(run.summary, out)
    return run.summary


# ---------------------------------------------------------------------------------------------------------------
# Users

def parse_roles(value: str) -> list[str]:
    """Role values from a cell such as `起草人、审核人`; LineRejected names an unknown role."""
    roles: list[str] = []
    for part in _LIST_SEPARATORS.split(value or ""):
        text = part.strip()
        if not text:
            continue
        role = ROLES.get(text.lower()) or ROLES.get(text.replace("(", "（").replace(")", "）"))
        if role is None:
            known = "、".join(r.label.split("（")[0] for r in Role)
            raise LineRejected(f"未知角色“{text}”：可用的角色有 {known}（或其英文代码，如 drafter）。")
        if role not in roles:
            roles.append(role)
    if not roles:
        raise LineRejected("缺少角色：至少填写一个，多个用顿号分隔。")
    return roles


def parse_bool(value: str | None, label: str) -> bool:
    text = (value or "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise LineRejected(f"{label}应填“是”或“否”：“{value}”。")


def parse_user_row(row: Row, agencies: dict[str, Agency]) -> StaffData:
    """Check the cells of one user row; raise LineRejected with the reason."""
    username = (row.get("username") or "").strip()
    if not username:
        raise LineRejected("缺少用户名。")
    full_name = (row.get("name") or "").strip()
    if not full_name:
        raise LineRejected("缺少姓名。")
    code = _code(row.get("agency_code"))
    if not code:
        raise LineRejected("缺少机构代码。")
    agency = agencies.get(code)
    if agency is None:
        raise LineRejected(f"机构代码“{code}”不在系统中：请先用 gongkai agencies import 导入机关。")
    return StaffData(username=username, full_name=full_name, agency=agency, roles=parse_roles(row.get("roles")),
                     covers_subordinates=parse_bool(row.get("covers_subordinates"), "含下级"),
                     email=row.get("email"), title=row.get("title"))


def import_users(path: str | Path, *, out: IO[str] | None = None,
                 actor=None) -> tuple[ImportSummary, list[StaffImport]]:
    """Import a staff list (CSV or XLSX); return the summary and the new users with their initial passwords."""
    table = read_table(path, USER_COLUMNS, USER_REQUIRED, USER_LABELS)
    _note_ignored(table, out)
    agencies = {a.code: a for a in Agency.objects.all()}
    summary, created, first_line = ImportSummary(), [], {}
    for row in table.rows:
        try:
            data = parse_user_row(row, agencies)
            if data.username in first_line:
                raise LineRejected(f"用户名“{data.username}”与第 {first_line[data.username]} 行重复。")
            first_line[data.username] = row.line
            result = services.import_staff_user(data, actor=actor)
        except (LineRejected, DomainError) as exc:
            summary.errors.append(LineError(row.line, getattr(exc, "message", None) or str(exc)))
            continue
        except DatabaseError as exc:
            summary.errors.append(LineError(row.line, f"数据库拒绝写入：{exc}"))
            continue
        setattr(summary, result.outcome, getattr(summary, result.outcome) + 1)
        if result.password:
            created.append(result)
    _report(summary, out)
    return summary, created


def _note_ignored(table: Table, out: IO[str] | None) -> None:
    if table.ignored and out is not None:
        out.write(f"提示：未识别的列已忽略：{'、'.join(table.ignored)}\n")


def _report(summary: ImportSummary, out: IO[str] | None) -> None:
    if out is None:
        return
    for error in summary.errors:
        out.write(f"{error}\n")
    out.write(f"导入完成：{summary}\n")
