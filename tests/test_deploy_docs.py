"""docs/deploy.md stays true: its systemd units, nginx block, environment file and commands are parsed and
checked against the code (the CLI's real parser, gongkai.conf.SETTINGS)."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest

from gongkai.cli import build_parser
from gongkai.conf import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deploy.md"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.S | re.M)
# Other branches of issue #9 add these two settings (trusted proxies, data encryption); the doc may name
# them before they are merged here.
ADDED_ELSEWHERE = {"GONGKAI_TRUSTED_PROXIES", "GONGKAI_DATA_KEY"}
HARDENING = {"NoNewPrivileges": "true", "ProtectSystem": "strict", "UMask": "0077"}


def _blocks() -> list[tuple[str, dict[str, str], str]]:
    """(language, attributes such as file=..., text) of every fenced block."""
    found = []
    for lang, info, text in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        attrs = dict(part.split("=", 1) for part in info.split() if "=" in part)
        found.append((lang, attrs, text))
    return found


def _files() -> dict[str, str]:
    return {attrs["file"]: text for _, attrs, text in _blocks() if "file" in attrs}


def _unit(path: str) -> configparser.ConfigParser:
    # systemd allows repeated keys (the last one wins for the keys used here) and '%' specifiers.
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"))
    parser.optionxform = str
    parser.read_string(_files()[path])
    return parser


def _environment() -> dict[str, str]:
    values = {}
    for line in _files()["/etc/gongkai/gongkai.env"].splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            values[name] = shlex.split(value)[0] if value else ""
    return values


def _gongkai_argv(command: str) -> list[str] | None:
    """The arguments after the `gongkai` executable in a shell command line, or None if it runs no gongkai."""
    # A command substitution ($(date ...)) is one word of the file name it builds.
    words = shlex.split(re.sub(r"\$\([^)]*\)", "X", command.replace("%%", "%")), comments=True)
    for i, word in enumerate(words):
        # The executable, not the user or group of the same name (useradd ... gongkai, install -o gongkai).
        if word.endswith("/bin/gongkai") or (i == 0 and word == "gongkai"):
            rest = words[i + 1:]
            for stop in ("&&", "||", ";", "|"):
                if stop in rest:
                    rest = rest[:rest.index(stop)]
            return rest
    return None


def _parses(argv: list[str]) -> None:
    """The real CLI accepts these arguments (argparse exits on an unknown command or option)."""
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"`gongkai {' '.join(argv)}` is not a valid command (exit {exc.code})")


SERVICES = ["/etc/systemd/system/gongkai.service", "/etc/systemd/system/gongkai-worker.service",
            "/etc/systemd/system/gongkai-backup.service"]


@pytest.mark.parametrize("path", SERVICES)
def test_service_units_are_complete_hardened_and_run_a_real_command(path):
    unit = _unit(path)
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    service = unit["Service"]
    assert service["User"] == "gongkai" and service["EnvironmentFile"] == "/etc/gongkai/gongkai.env"
    for key, value in HARDENING.items():
        assert service[key] == value, key
    assert _environment()["GONGKAI_DATA_DIR"] in service["ReadWritePaths"].split()
    exec_start = service["ExecStart"]
    if exec_start.startswith("/bin/sh -c "):
        exec_start = shlex.split(exec_start)[2]
    argv = _gongkai_argv(exec_start)
    assert argv, f"{path} does not run gongkai"
    _parses(argv)


def test_the_web_server_and_the_worker_are_separate_units():
    web = _gongkai_argv(_unit(SERVICES[0])["Service"]["ExecStart"])
    worker = _gongkai_argv(_unit(SERVICES[1])["Service"]["ExecStart"])
    assert web[0] == "serve" and "--no-worker" in web and "--workers" in web
    assert worker[0] == "worker"
    assert _unit(SERVICES[0])["Service"]["Restart"] and _unit(SERVICES[1])["Service"]["Restart"]


def test_the_backup_timer_starts_the_backup_service():
    timer = _unit("/etc/systemd/system/gongkai-backup.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"
    backup = _unit("/etc/systemd/system/gongkai-backup.service")
    assert backup["Service"]["Type"] == "oneshot"
    assert _gongkai_argv(shlex.split(backup["Service"]["ExecStart"])[2])[0] == "backup"


def _nginx_statements(text: str) -> list[str]:
    """The nginx block as statements, after checking that every brace and quote is closed."""
    depth, statements, current, quote = 0, [], "", None
    for line in text.splitlines():
        for ch in line:
            if quote:
                current += ch
                quote = None if ch == quote else quote
                continue
            if ch == "#":
                break
            if ch in "\"'":
                quote = ch
            if ch == "{":
                depth += 1
            if ch == "}":
                depth -= 1
                assert depth >= 0, "closing brace without an opening one"
            current += ch
            if ch in ";{}":
                statements.append(" ".join(current.split()))
                current = ""
        assert quote is None, f"unclosed quote in: {line}"
    assert depth == 0, "unbalanced braces"
    assert not current.strip(), f"statement without ';': {current.strip()}"
    return statements


def test_the_nginx_block_is_balanced_and_forwards_what_the_app_needs():
    statements = _nginx_statements(_files()["/etc/nginx/conf.d/gongkai.conf"])
    for required in ("listen 443 ssl;", "proxy_set_header Host $host;", "proxy_set_header X-Forwarded-For $remote_addr;",
                     "proxy_set_header X-Forwarded-Proto $scheme;", "location /static/ {", "return 301 https://$host$request_uri;"):
        assert required in statements, required
    assert any(s.startswith("ssl_certificate ") for s in statements)
    assert any(s.startswith("ssl_certificate_key ") for s in statements)
    upload_mb = _environment().get("GONGKAI_MAX_UPLOAD_MB") or next(s.default for s in SETTINGS
                                                                     if s.name == "GONGKAI_MAX_UPLOAD_MB")
    assert f"client_max_body_size {upload_mb}m;" in statements
    # nginx forwards to the address the web unit listens on.
    web = _gongkai_argv(_unit(SERVICES[0])["Service"]["ExecStart"])
    address = f"{web[web.index('--host') + 1]}:{web[web.index('--port') + 1]}"
    assert f"server {address};" in statements


def test_every_setting_the_doc_names_exists():
    declared = {s.name for s in SETTINGS}
    used = set(re.findall(r"\bGONGKAI_[A-Z0-9_]+\b", DOC.read_text(encoding="utf-8")))
    assert used - declared <= ADDED_ELSEWHERE, sorted(used - declared - ADDED_ELSEWHERE)
    assert set(_environment()) - declared <= ADDED_ELSEWHERE
    assert _environment()["GONGKAI_MAX_UPLOAD_MB"].isdigit()


def test_every_command_in_the_shell_blocks_is_a_real_command():
    commands = [line for lang, _, text in _blocks() if lang == "sh" for line in text.splitlines()]
    ran = [argv for line in commands if (argv := _gongkai_argv(line)) is not None]
    assert {argv[0] for argv in ran} >= {"manage", "setup", "check", "backup", "restore"}
    for argv in ran:
        _parses(argv)


def test_the_readme_links_the_deployment_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deployment = readme[readme.index("## 部署"):readme.index("## 依赖及用途")]
    assert "(docs/deploy.md)" in deployment
    english = readme[readme.index("## English"):]
    assert "(docs/deploy.md)" in english
