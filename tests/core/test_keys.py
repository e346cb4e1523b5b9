"""`gongkai keys`: rotation re-seals every value and hash under the new key; the migration seals old rows."""

import pytest
from django.core.management import call_command
from django.db import connection

from gongkai.cli import main
from gongkai.core import crypto, keys
from gongkai.core.errors import DomainError
from gongkai.disclosure import queries
from gongkai.disclosure.models import Application
from tests.disclosure_factories import RESIDENT_ID, make_application


def _raw_phone(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM disclosure_application WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rotation_reseals_every_value_and_hash_under_the_new_key(agency, settings):
    application, _ = make_application(agency)
    old_key, new_key = settings.GONGKAI_DATA_KEY, crypto.new_key()
    old_kid = crypto.sealed_kid(_raw_phone(application.pk))
    settings.GONGKAI_DATA_KEY, settings.GONGKAI_DATA_KEY_OLD = new_key, old_key
    assert keys.key_status().values == {old_kid: 5} and not keys.key_status().all_current
    assert keys.rotate_data_key() == 1
    status = keys.key_status()
    assert status.all_current and status.values == {status.current: 5}
    settings.GONGKAI_DATA_KEY_OLD = ""  # the old key is gone: everything still opens, and look-ups still match
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.phone, fresh.id_number) == ("13812345678", RESIDENT_ID)
    assert list(Application.objects.filter(queries.applicant_match("13812345678"))) == [fresh]
    settings.GONGKAI_DATA_KEY = old_key
    with pytest.raises(crypto.DataKeyError, match="请设置正确的 GONGKAI_DATA_KEY"):
        Application.objects.get(pk=application.pk)


def test_rotation_needs_both_keys(agency, settings):
    make_application(agency)
    with pytest.raises(DomainError, match="GONGKAI_DATA_KEY_OLD"):
        keys.rotate_data_key()
    settings.GONGKAI_DATA_KEY_OLD = settings.GONGKAI_DATA_KEY
    with pytest.raises(DomainError, match="同一个密钥"):
        keys.rotate_data_key()


def test_keys_new_prints_a_usable_key(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "new"])
    assert exit_.value.code == 0
    assert len(crypto.parse_key(capsys.readouterr().out.strip())) == 32


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_existing_rows_and_its_reverse_opens_them(agency):
    application, _ = make_application(agency)
    call_command("migrate", "disclosure", "0002", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number, applicant_key FROM disclosure_application WHERE id = %s",
                       [application.pk])
        phone, id_number, old_hash = cursor.fetchone()
    assert (phone, id_number) == ("13812345678", RESIDENT_ID) and old_hash and old_hash != application.applicant_key
    call_command("migrate", "disclosure", verbosity=0)
    assert crypto.is_sealed(_raw_phone(application.pk))
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.phone == "13812345678" and fresh.applicant_key == application.applicant_key
    assert fresh.phone_hash == application.phone_hash


def test_keys_check_reports_each_key_and_fails_while_old_values_remain(agency, settings, capsys):
    make_application(agency)
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "check"])
    assert exit_.value.code == 0 and "5 个值，当前密钥" in capsys.readouterr().out
    settings.GONGKAI_DATA_KEY, settings.GONGKAI_DATA_KEY_OLD = crypto.new_key(), settings.GONGKAI_DATA_KEY
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "check"])
    assert exit_.value.code == 1 and "gongkai keys rotate" in capsys.readouterr().out
    settings.GONGKAI_DATA_KEY_OLD = ""
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "check"])
    assert exit_.value.code == 1 and "配置错误" in capsys.readouterr().err
