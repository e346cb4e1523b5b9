"""Applicants' personal data encrypted at rest (SM4, gongkai.core.crypto), with keyed hashes for look-ups.

Existing rows are sealed under the current data key in place (raw SQL: the historical model would seal and
open transparently and could not tell a plain value from a sealed one); the reverse opens them again and
restores the earlier id-number hash.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models

import gongkai.core.crypto

PERSONAL = ("name", "id_number", "phone", "email", "address")
HASHES = {"id_number": "applicant_key", "phone": "phone_hash", "email": "email_hash"}
BATCH = 500


def _rows(schema_editor):
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn('id')} FROM {qn('disclosure_application')} ORDER BY {qn('id')}")
        ids = [row[0] for row in cursor.fetchall()]
    columns = ", ".join(qn(c) for c in ("id", *PERSONAL))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {qn('disclosure_application')} WHERE {qn('id')} IN "
                           f"({', '.join(['%s'] * len(chunk))})", chunk)
            yield from cursor.fetchall()


def _update(schema_editor, pk, values: dict) -> None:
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn('disclosure_application')} SET {assignments} WHERE {qn('id')} = %s",
                       [*values.values(), pk])


def seal(apps, schema_editor):
    from gongkai.core import crypto
    from gongkai.disclosure import privacy

    for pk, *values in list(_rows(schema_editor)):
        plain = {name: crypto.decrypt(value or "") for name, value in zip(PERSONAL, values, strict=True)}
        changes = {name: crypto.encrypt(plain[name]) for name, value in zip(PERSONAL, values, strict=True)
                   if not crypto.is_sealed(value or "")}
        changes.update({column: privacy.lookup_hash(kind, plain[kind]) for kind, column in HASHES.items()})
        _update(schema_editor, pk, changes)


def _old_applicant_key(id_number: str) -> str:
    # The hash before this migration: HMAC-SHA256 under SECRET_KEY of the normalised id number.
    from gongkai.disclosure.privacy import normalise_id

    value = normalise_id(id_number)
    if not value:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"applicant:{value}".encode(), hashlib.sha256).hexdigest()


def open_again(apps, schema_editor):
    from gongkai.core import crypto

    for pk, *values in list(_rows(schema_editor)):
        plain = {name: crypto.decrypt(value or "") for name, value in zip(PERSONAL, values, strict=True)}
        _update(schema_editor, pk, {**plain, "applicant_key": _old_applicant_key(plain["id_number"]),
                                    "phone_hash": "", "email_hash": ""})


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0003_rate_windows_in_the_database'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='email_hash',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name='application',
            name='phone_hash',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='application',
            name='address',
            field=gongkai.core.crypto.EncryptedTextField(blank=True, verbose_name='通信地址'),
        ),
        migrations.AlterField(
            model_name='application',
            name='email',
            field=gongkai.core.crypto.EncryptedTextField(blank=True, verbose_name='电子邮箱'),
        ),
        migrations.AlterField(
            model_name='application',
            name='id_number',
            field=gongkai.core.crypto.EncryptedTextField(blank=True, verbose_name='身份证明号码'),
        ),
        migrations.AlterField(
            model_name='application',
            name='name',
            field=gongkai.core.crypto.EncryptedTextField(verbose_name='姓名或名称'),
        ),
        migrations.AlterField(
            model_name='application',
            name='phone',
            field=gongkai.core.crypto.EncryptedTextField(blank=True, verbose_name='联系电话'),
        ),
        migrations.RunPython(seal, open_again),
    ]
