"""Messages entered by staff from letters, calls and visits (their channels and the writer's postal address),
the step of a reset access token, and a title for every error report that was stored as plain “网站纠错”."""

import re
from urllib.parse import urlsplit

from django.db import migrations, models

import gongkai.core.crypto

OLD_TITLE = "网站纠错"
TITLE_WORDS = 20  # messages.ERROR_TITLE_WORDS when this was written
MAX_TITLE = 100  # rules.MAX_MESSAGE_TITLE_CHARS when this was written


def _title(message) -> str:
    """The title messages.error_report_title() gives, frozen here as it read when this was written (except that
    a full address on this site keeps its host: a migration does not read the site's address)."""
    revision = message.page_document.live_revision if message.page_document_id else None
    if revision is not None and revision.title:
        page = f"《{revision.title}》"
    elif message.page_url:
        parts = urlsplit(message.page_url)
        page = parts.path or "/" if message.page_url.startswith("/") else (parts.netloc + parts.path) or message.page_url
    else:
        page = ""
    words = re.sub(r"\s+", " ", message.content or "").strip()
    if len(words) > TITLE_WORDS:
        words = words[:TITLE_WORDS] + "…"
    title = "纠错：" + "——".join(p for p in (page, words) if p) if (page or words) else "纠错：截图"
    return title if len(title) <= MAX_TITLE else title[:MAX_TITLE - 1] + "…"


def name_error_reports(apps, schema_editor):
    Message = apps.get_model("participation", "Message")
    for message in (Message.objects.filter(category="error_report", title=OLD_TITLE)
                    .select_related("page_document__live_revision")):
        message.title = _title(message)
        message.save(update_fields=["title"])


class Migration(migrations.Migration):

    dependencies = [
        ('participation', '0003_messages'),
        ('publishing', '0012_motion_replies'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='address',
            field=gongkai.core.crypto.EncryptedTextField(blank=True, verbose_name='通信地址'),
        ),
        migrations.AlterField(
            model_name='message',
            name='channel',
            field=models.CharField(choices=[('web', '网站'), ('api', '开放接口'), ('letter', '来信'), ('phone', '来电'), ('visit', '来访')], default='web', max_length=10, verbose_name='提交方式'),
        ),
        migrations.AlterField(
            model_name='messagestep',
            name='kind',
            field=models.CharField(choices=[('received', '收到留言'), ('transferred', '转办'), ('replied', '答复'), ('duplicate', '标记为重复留言'), ('invalid', '标记为无效留言'), ('reply_published', '公开答复'), ('reply_withdrawn', '撤下公开答复'), ('fixed', '登记纠错情况'), ('rated', '留言人评价'), ('escalated', '提请办公厅督办'), ('token_reset', '重新设置查询密码')], max_length=20, verbose_name='步骤'),
        ),
        migrations.RunPython(name_error_reports, migrations.RunPython.noop),
    ]
