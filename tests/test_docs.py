"""The README stays true: the two Quick-start commands, the settings table, the CLI commands."""

from pathlib import Path

from gongkai.cli import build_parser
from gongkai.conf import settings_table

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_two_commands():
    assert "make run" in README and "make test" in README


def test_settings_table_matches_code():
    start = README.index("<!-- settings-table:start -->") + len("<!-- settings-table:start -->")
    end = README.index("<!-- settings-table:end -->")
    assert README[start:end].strip() == settings_table()


def test_every_cli_command_is_documented():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`gongkai {name}" in README, name
