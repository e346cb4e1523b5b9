from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SerialCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('series', models.CharField(max_length=64, verbose_name='编号序列')),
                ('year', models.PositiveIntegerField(verbose_name='年度')),
                ('last', models.PositiveIntegerField(default=0, verbose_name='最后使用的流水号')),
            ],
            options={
                'verbose_name': '流水号',
                'verbose_name_plural': '流水号',
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='duty',
            field=models.CharField(blank=True, max_length=32, verbose_name='审查环节'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='duty_subject',
            field=models.CharField(blank=True, max_length=64, verbose_name='审查对象'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['duty_subject', 'actor'], name='audit_duty_subject'),
        ),
        migrations.AddConstraint(
            model_name='serialcounter',
            constraint=models.UniqueConstraint(fields=('series', 'year'), name='unique_serial_counter'),
        ),
    ]
