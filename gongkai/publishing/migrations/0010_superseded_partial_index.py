"""Superseded documents found through a partial index (every search excludes them; a boolean index on the whole
table was passed over for a sequential scan)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0009_document_versions_backfill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='document',
            name='superseded',
            field=models.BooleanField(default=False, editable=False, help_text='同一文件有更新的公开版本：只在现行版本下作为历史版本列出。', verbose_name='已有新版本'),
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(condition=models.Q(('superseded', True)), fields=['id'], name='publishing_doc_superseded'),
        ),
    ]
