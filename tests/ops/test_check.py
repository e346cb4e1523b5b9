"""`gongkai check` (gongkai/ops/check.py): misconfiguration reported in Chinese with the setting to change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

from gongkai.ops.check import CRITICAL_FREE_BYTES, ERROR, WARNING, run_checks

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "x7Qm2-Lp9sVb4Kd8Zr1Tn6Yw3Hc5Jf0Ug8Ea2Ri7Oz4Xq9Mv1Bl6Ns3Dk5Pt8Wy2"


@pytest.fixture
def production(settings, tmp_path):
    """Settings a careful operator would run: https, a long random key, an owner-only data folder, mail."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / "secret_key").write_text(GOOD_KEY)
    (data_dir / "secret_key").chmod(0o600)
    settings.DATA_DIR = data_dir
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.GONGKAI_BASE_URL = "https://xxgk.example.gov.cn"
    settings.ALLOWED_HOSTS = ["xxgk.example.gov.cn"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.GONGKAI_SMTP_HOST = "smtp.example.gov.cn"
    return data_dir


def _on_sqlite(settings) -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _codes(findings, level=None) -> set[str]:
    return {f.code for f in findings if level is None or f.level == level}


def test_a_careful_production_setup_has_no_errors_and_django_warnings_are_in_chinese(production):
    findings = run_checks(workers=1, min_free_bytes=0, critical_free_bytes=0)
    assert _codes(findings, ERROR) == set()
    hsts = next(f for f in findings if f.code == "security.W004")
    assert hsts.level == WARNING and "SECURE_HSTS_SECONDS" in hsts.message and "浏览器" in hsts.message
    assert hsts.line().startswith("警告 [security.W004] ")


def test_every_mistake_is_reported_with_the_setting_to_change(production, settings):
    settings.DEBUG = True
    settings.SECRET_KEY = "change-me"
    settings.GONGKAI_BASE_URL = "http://xxgk.example.gov.cn"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.GONGKAI_SMTP_HOST = ""
    production.chmod(0o755)
    (production / "secret_key").chmod(0o644)
    findings = run_checks(workers=4, hosts=2, min_free_bytes=0, critical_free_bytes=0)
    by_code = {f.code: f for f in findings}
    assert {"gongkai.E001", "gongkai.E002", "gongkai.E003", "gongkai.E005", "gongkai.E006",
            "gongkai.E007", "gongkai.E008", "security.W012", "security.W016"} <= _codes(findings, ERROR)
    assert ("gongkai.E004" in _codes(findings, ERROR)) == _on_sqlite(settings)
    assert "gongkai.W009" in _codes(findings, WARNING)
    assert "GONGKAI_DEBUG" in by_code["gongkai.E001"].message
    assert "GONGKAI_SECRET_KEY" in by_code["gongkai.E002"].message
    assert "https" in by_code["gongkai.E003"].message and "GONGKAI_BASE_URL" in by_code["gongkai.E003"].message
    if _on_sqlite(settings):
        assert "DATABASE_URL" in by_code["gongkai.E004"].message
    assert "GONGKAI_CACHE=redis" in by_code["gongkai.E005"].message
    assert "GONGKAI_TASK_BACKEND=redis" in by_code["gongkai.E006"].message
    assert "GONGKAI_SEARCH_BACKEND=postgres" in by_code["gongkai.E007"].message
    assert "GONGKAI_SMTP_HOST" in by_code["gongkai.W009"].message
    assert "GONGKAI_BASE_URL" in by_code["security.W012"].message
    # Both the folder and the key file are named, each with the chmod that fixes it.
    permissions = [f.message for f in findings if f.code == "gongkai.E008"]
    assert any("chmod 700" in m for m in permissions) and any("chmod 600" in m for m in permissions)
    # Django's own words for debug mode and the key are not repeated beside ours.
    assert not _codes(findings) & {"security.W018", "security.W009"}
    # Errors come first.
    assert [f.level for f in findings] == sorted((f.level for f in findings), key=lambda level: level != ERROR)


def test_sqlite_with_several_workers_in_production_is_a_warning(production, settings):
    """Only where the database is SQLite (this suite runs on PostgreSQL too, where nothing is reported)."""
    several = _codes(run_checks(workers=4, min_free_bytes=0, critical_free_bytes=0), WARNING)
    assert ("gongkai.W004" in several) == _on_sqlite(settings)
    assert "gongkai.W004" not in _codes(run_checks(workers=1, min_free_bytes=0, critical_free_bytes=0))


def test_low_disk_space_is_a_warning_then_an_error(production):
    more_than_any_disk = 1 << 60  # other processes change the free space while the test runs
    assert "gongkai.W011" in _codes(run_checks(min_free_bytes=more_than_any_disk, critical_free_bytes=0), WARNING)
    assert "gongkai.E011" in _codes(run_checks(min_free_bytes=more_than_any_disk,
                                               critical_free_bytes=more_than_any_disk), ERROR)
    assert not _codes(run_checks(min_free_bytes=0, critical_free_bytes=0)) & {"gongkai.W011", "gongkai.E011"}


def test_an_unknown_django_check_is_printed_as_django_wrote_it(production):
    def third_party(app_configs, **kwargs):
        return [checks.Warning("Something the translator does not know.", hint="Fix it.", id="thirdparty.W042")]

    checks.register(third_party, deploy=True)
    try:
        finding = next(f for f in run_checks(min_free_bytes=0, critical_free_bytes=0) if f.code == "thirdparty.W042")
    finally:
        checks.registry.registry.deployment_checks.discard(third_party)
    assert finding.level == WARNING and finding.message == "Something the translator does not know.（Fix it.）"


def _check_command(data_dir: Path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGKAI_SECRET_KEY", "GONGKAI_ALLOWED_HOSTS")}
    base.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="sqlite", **env)
    return subprocess.run([sys.executable, "-m", "gongkai", "check", "--workers", "1"], env=base, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_the_command_exits_1_on_errors_and_0_on_a_sound_setup(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    bad = _check_command(data_dir, GONGKAI_DEBUG="1", GONGKAI_BASE_URL="http://xxgk.example.gov.cn")
    assert bad.returncode == 1
    assert "错误 [gongkai.E001] 调试模式已开启" in bad.stdout and "错误 [gongkai.E003]" in bad.stdout
    assert "检查完成：" in bad.stdout and "项错误" in bad.stdout
    if shutil.disk_usage(data_dir).free < CRITICAL_FREE_BYTES:
        pytest.skip("this machine's disk is nearly full: the check rightly reports it as an error")
    good = _check_command(data_dir, GONGKAI_DEBUG="0", GONGKAI_BASE_URL="https://xxgk.example.gov.cn",
                          GONGKAI_SMTP_HOST="smtp.example.gov.cn")
    assert good.returncode == 0, good.stdout
    assert "错误" not in good.stdout.replace("0 项错误", "")
