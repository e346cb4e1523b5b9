"""Starting Django for a command of the `gongkai` CLI (every app's sub-commands share this)."""

from __future__ import annotations

import os
import sys


def setup_django(settings_module: str = "gongkai.settings.prod", migrate: bool = True) -> None:
    """Configure Django for a command; a new or older data folder is migrated first (unless told not to)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    if migrate:
        migrate_if_needed()


def migrate_if_needed() -> None:
    """Apply pending migrations, saying so in Chinese (a new data folder is set up on its first command)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("正在初始化/升级数据库……", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)
