"""Public status apart from review state (issue #8), the schema: when a document was withdrawn, and whether
each relation is in effect. The data follows in 0003; the old index counters go in 0004."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤销发布时间'),
        ),
        migrations.AddField(
            model_name='relation',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='确认时间'),
        ),
        migrations.AddField(
            model_name='relation',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认人'),
        ),
        migrations.AddField(
            model_name='relation',
            name='decision_comment',
            field=models.TextField(blank=True, verbose_name='确认意见'),
        ),
        migrations.AddField(
            model_name='relation',
            name='status',
            field=models.CharField(choices=[('declared', '随文件发布生效'), ('pending', '待对方机关确认'), ('effective', '已生效'), ('declined', '对方机关未同意')], db_index=True, default='declared', max_length=20, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='document',
            name='state',
            field=models.CharField(choices=[('draft', '草稿'), ('secrecy_review', '待保密审查'), ('approval', '待审核'), ('signoff', '待签发'), ('ready', '待发布'), ('scheduled', '定时发布'), ('published', '已发布'), ('filed', '已签发（不主动公开）')], db_index=True, default='draft', help_text='最新版本在审核流程中的位置；是否公开见“已公开版本”。', max_length=20, verbose_name='审核状态'),
        ),
    ]
