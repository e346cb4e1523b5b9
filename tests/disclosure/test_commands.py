"""`gongkai deadline`, `gongkai fee` and `gongkai import applications` as a person runs them, plus the importer."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.disclosure.importer import import_file, import_lines
from gongkai.disclosure.models import Application, CaseEvent
from gongkai.disclosure.states import State
from tests.paths import ROOT

D = dt.date.fromisoformat


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="sqlite")
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-data")


def gongkai(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], env=_env(data_dir), cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def test_deadline_prints_json_with_due_date_and_steps(data_dir):
    result = gongkai(data_dir, "deadline", "--received", "2026-02-10")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["due_on"] == "2026-03-16" and body["confirmed"] is True
    kinds = {(s["kind"], s["date"]) for s in body["steps"]}
    assert ("makeup", "2026-02-14") in kinds and ("skipped", "2026-02-15") in kinds
    assert any("春节" in line for line in body["explanation"])

    paused = json.loads(gongkai(data_dir, "deadline", "--received", "2026-09-18", "--paused",
                                "2026-09-21:2026-09-22", "--extended").stdout)
    assert (paused["original_due_on"], paused["due_on"]) == ("2026-10-26", "2026-11-23")
    corrected = json.loads(gongkai(data_dir, "deadline", "--received", "2026-03-02", "--corrected",
                                   "2026-03-10").stdout)
    assert corrected["due_on"] == "2026-04-08" and corrected["corrected_on"] == "2026-03-10"
    unconfirmed = json.loads(gongkai(data_dir, "deadline", "--received", "2026-12-21").stdout)
    assert unconfirmed["confirmed"] is False and "2027-01-01" in unconfirmed["unconfirmed_dates"]


def test_deadline_consultation_fee_and_zero_extension(data_dir):
    """Issue #10: the consultation cap shows in the output, pay_by follows receipt, and 0 days means none."""
    capped = json.loads(gongkai(data_dir, "deadline", "--received", "2026-02-26", "--consultation",
                                "2026-03-02:2026-06-30").stdout)
    assert capped["due_on"] == "2026-04-17"
    assert capped["consultations"] == [{"kind": "third_party", "start": "2026-03-02", "end": "2026-06-30",
                                        "opinion_due": "2026-03-23", "excluded_until": "2026-03-23"}]
    open_ended = json.loads(gongkai(data_dir, "deadline", "--received", "2026-02-26", "--agency-consultation",
                                    "2026-03-02", "--today", "2026-07-24").stdout)
    assert open_ended["due_on"] == "2026-04-17"
    fee = json.loads(gongkai(data_dir, "deadline", "--received", "2026-02-09", "--fee-notice-received",
                             "2026-02-13").stdout)
    assert fee["pay_by"] == "2026-03-19"
    plain = json.loads(gongkai(data_dir, "deadline", "--received", "2026-02-10").stdout)
    zero = json.loads(gongkai(data_dir, "deadline", "--received", "2026-02-10", "--extension-days", "0").stdout)
    assert zero["due_on"] == plain["due_on"] == "2026-03-16" and zero["extension_days"] == 0
    # Issue #10: received 2026-01-19, due 2026-02-14, looked at on 2026-02-20 (Spring Festival): overdue.
    late = json.loads(gongkai(data_dir, "deadline", "--received", "2026-01-19", "--today", "2026-02-20").stdout)
    assert late["due_on"] == "2026-02-14"
    assert late["status"]["overdue"] is True and late["status"]["due_soon"] is False
    assert late["status"]["label"].startswith("已超期")
    both = gongkai(data_dir, "deadline", "--received", "2026-02-10", "--extended", "--extension-days", "0")
    assert both.returncode != 0 and "矛盾" in both.stderr and "Traceback" not in both.stderr


def test_deadline_remedy_form(data_dir):
    review = json.loads(gongkai(data_dir, "deadline", "--remedy", "review", "--delivered", "2025-08-02").stdout)
    assert review["remedy"] == "review" and review["last_day"] == "2025-10-09"
    assert review["direct_litigation_allowed"] is True and review["confirmed"] is True and review["steps"]
    withheld = json.loads(gongkai(data_dir, "deadline", "--remedy", "litigation", "--delivered", "2025-12-02",
                                  "--decision", "withheld.state_secret").stdout)
    assert withheld["last_day"] is None and withheld["direct_litigation_allowed"] is False
    later = json.loads(gongkai(data_dir, "deadline", "--remedy", "review", "--delivered", "2026-12-20").stdout)
    assert later["last_day"] == "2027-02-18" and later["confirmed"] is False  # 2027 is not in the package yet
    missing = gongkai(data_dir, "deadline", "--remedy", "review")
    assert missing.returncode != 0 and "--delivered" in missing.stderr


@pytest.mark.parametrize("args", [
    ["deadline", "--received", "2026-02-30"],
    ["deadline", "--received", "2026-03-02", "--paused", "2026-03-03"],
    ["deadline", "--received", "2026-03-02", "--paused", "2026-03-05:2026-03-03"],
    ["deadline", "--received", "2026-03-02", "--extension-days", "21"],
    ["deadline", "--received", "2026-03-10", "--corrected", "2026-03-02"],
    ["fee"],
    ["fee", "--pages", "-3"],
    ["fee", "--pages", "3", "--nth-application-in-month", "2"],
    ["fee", "--pages", "3", "--items", "2"],
    ["fee", "--nth-application-in-month", "3", "--items", "0"],
    ["fee", "--nth-application-in-month", "0"],
])
def test_bad_arguments_give_a_chinese_error_not_a_traceback(data_dir, args):
    result = gongkai(data_dir, *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "错误" in result.stderr or "error" in result.stderr


@pytest.mark.parametrize(("args", "amount"), [
    (["--nth-application-in-month", "10"], 0), (["--nth-application-in-month", "11"], 100),
    (["--nth-application-in-month", "31"], 200), (["--nth-application-in-month", "41"], 300),
    (["--pages", "30"], 0), (["--pages", "31"], 10), (["--pages", "101"], 720), (["--pages", "201"], 2740),
    (["--nth-application-in-month", "9", "--items", "3"], 100),  # items 9, 10 free; the 11th 100 yuan
    (["--nth-application-in-month", "30", "--items", "2"], 300),  # the 30th 100 yuan, the 31st 200 yuan
])
def test_fee_prints_json_amount(tmp_path, args, amount):
    # No database needed: a data folder that does not exist stays untouched.
    missing = tmp_path / "never-created"
    result = gongkai(missing, "fee", *args)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["amount_yuan"] == amount
    assert not (missing / "gongkai.sqlite3").exists()


def _lines(agency_code: str) -> list[str]:
    good = [
        {"external_id": "old-1", "agency": agency_code, "applicant_type": "natural_person",
         "received_on": "2025-03-03", "closed_on": "2025-03-20", "decision": "granted"},
        {"external_id": "old-2", "agency": agency_code, "applicant_type": "legal_person",
         "organization_kind": "法律服务机构", "received_on": "2025年4月1日", "closed_on": "2025-04-28",
         "decision": "withheld.third_party_rights",
         "review": {"filed_on": "2025-05-10", "outcome": "维持", "concluded_on": "2025-07-01"},
         "litigation": [{"route": "复议后起诉", "filed_on": "2025-07-10", "outcome": "pending"}]},
        {"external_id": "old-3", "agency": agency_code, "applicant_type": "natural_person",
         "received_on": "2025-12-29", "closed_on": None},
    ]
    bad = [
        "{not json",
        json.dumps({"external_id": "bad-1", "agency": "NOPE", "applicant_type": "natural_person",
                    "received_on": "2025-01-02"}),
        json.dumps({"external_id": "bad-2", "agency": agency_code, "applicant_type": "legal_person",
                    "received_on": "2025-01-02"}),
        json.dumps({"external_id": "bad-3", "agency": agency_code, "applicant_type": "natural_person",
                    "received_on": "2025-01-02", "closed_on": "2025-01-10", "decision": "because"}),
        json.dumps({"external_id": "bad-4", "agency": agency_code, "applicant_type": "natural_person",
                    "received_on": "2025-02-30"}),
        json.dumps({"agency": agency_code}),
        json.dumps(["a list"]),
    ]
    return [json.dumps(good[0], ensure_ascii=False), bad[0], json.dumps(good[1], ensure_ascii=False), *bad[1:],
            "", json.dumps(good[2])]


@pytest.mark.django_db
def test_import_is_idempotent_and_reports_bad_lines(agency):
    out = io.StringIO()
    summary = import_lines(_lines(agency.code), out=out)
    assert (summary.created, summary.updated, summary.unchanged, summary.failed) == (3, 0, 0, 7)
    report = out.getvalue()
    assert "第 2 行：不是有效的 JSON" in report and "第 4 行：找不到机关：NOPE" in report
    assert "第 5 行：organization_kind 的值无效" in report and "第 6 行：decision 不是有效的答复类型" in report
    assert "第 7 行：received_on 不是有效日期" in report and "第 8 行：缺少 external_id" in report
    assert "第 9 行：每行应为一个 JSON 对象" in report
    first = Application.objects.get(external_id="old-1")
    assert first.state == State.CLOSED and first.decided_on == D("2025-03-20") and first.replied_in_time
    second = Application.objects.get(external_id="old-2")
    assert second.organization_kind == "legal_service" and second.received_on == D("2025-04-01")
    assert sorted((r.kind, r.outcome, r.route) for r in second.remedies.all()) == [
        ("litigation", "pending", "after_review"), ("review", "maintained", "")]
    third = Application.objects.get(external_id="old-3")
    assert third.state == State.IN_PROGRESS and third.due_on == D("2026-01-27")

    again = import_lines(_lines(agency.code))
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 3, 7)
    assert Application.objects.count() == 3
    changed = [line.replace('"2025-03-20"', '"2025-03-21"') for line in _lines(agency.code)]
    assert import_lines(changed).updated == 1
    assert Application.objects.get(external_id="old-1").decided_on == D("2025-03-21")
    assert CaseEvent.objects.filter(application=first, kind="imported").count() == 2


@pytest.mark.django_db
def test_import_reads_gzip_and_survives_a_truncated_file(agency, tmp_path):
    path = tmp_path / "cases.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(_lines(agency.code)).encode()))
    assert import_file(path).created == 3
    truncated = tmp_path / "broken.jsonl.gz"
    truncated.write_bytes(gzip.compress("\n".join(_lines(agency.code)).encode())[:-30])
    summary = import_file(truncated)
    assert summary.failed >= 1 and "文件读取失败" in str(summary.errors[-1])
    with pytest.raises(FileNotFoundError):
        import_file(tmp_path / "missing.jsonl")


def test_import_command_end_to_end(tmp_path):
    data_dir = tmp_path / "data"
    assert gongkai(data_dir, "demo").returncode == 0
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(_lines("11339900MB0000004D")), encoding="utf-8")
    first = gongkai(data_dir, "import", "applications", str(path))
    assert first.returncode == 1  # some lines were bad
    assert "导入完成：新建 3，更新 0，未变 0，失败 7" in first.stdout
    second = gongkai(data_dir, "import", "applications", str(path))
    assert "导入完成：新建 0，更新 0，未变 3，失败 7" in second.stdout
    missing = gongkai(data_dir, "import", "applications", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
