"""Versions of one document (历史版本): a version group on each document, and whether a newer public version
exists. The data is filled in by 0009 (separate, so PostgreSQL builds the indexes before any row is updated).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0007_clear_invented_import_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="version_group",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=32,
                                   verbose_name="版本组"),
        ),
        migrations.AddField(
            model_name="document",
            name="superseded",
            field=models.BooleanField(db_index=True, default=False, editable=False,
                                      help_text="同一文件有更新的公开版本：只在现行版本下作为历史版本列出。",
                                      verbose_name="已有新版本"),
        ),
    ]
