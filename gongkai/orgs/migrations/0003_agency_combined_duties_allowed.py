from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_disclosure_head_role'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='combined_duties_allowed',
            field=models.BooleanField(default=False, help_text='仅限人员不足的机关；须由管理员用 gongkai agencies duties 说明理由后开启，开启和关闭均记入审计日志。', verbose_name='允许一人兼任多个审查环节'),
        ),
    ]
