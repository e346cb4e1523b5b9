"""`gongkai search eval --postgres URL` makes its database when it does not exist yet."""

from __future__ import annotations

import os

import psycopg
import pytest
from django.db import connection

from gongkai.search.evaluation import ensure_database

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def _server() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"


def test_a_missing_evaluation_database_is_created_and_an_existing_one_kept():
    name = f"gk_eval_probe_{os.getpid()}"
    url = f"{_server()}/{name}"
    try:
        assert ensure_database(url) is None
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (x int)")
        assert ensure_database(url) is None  # there already: left as it is
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM kept").fetchone() == (0,)
    finally:
        with psycopg.connect(f"{_server()}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_server_that_cannot_be_reached_is_a_chinese_message():
    assert "无法连接 PostgreSQL" in ensure_database("postgres://postgres@127.0.0.1:1/gk_eval_nowhere")
    assert "没有指明数据库名" in ensure_database(f"{_server()}/")
