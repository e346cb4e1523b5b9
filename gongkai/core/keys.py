"""Data-key maintenance: which key sealed the stored values, and re-sealing them all under a new key.

Rotation: set the new key as GONGKAI_DATA_KEY and the current one as GONGKAI_DATA_KEY_OLD, then run
`gongkai keys rotate`. Every encrypted value is opened (with either key) and sealed again under the new key,
and the keyed hashes beside them are recomputed, in one transaction: a failure leaves everything as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from gongkai.core import crypto
from gongkai.core.errors import DomainError


def _encrypted_models() -> list[tuple[type, list[str]]]:
    found = []
    for model in apps.get_models():
        names = crypto.encrypted_fields(model)
        if names and not model._meta.proxy:
            found.append((model, names))
    return found


@dataclass
class KeyStatus:
    current: str
    old: str | None
    cipher: str
    # key id (or "plain" for values written before encryption) → number of stored values
    values: Counter = field(default_factory=Counter)

    @property
    def all_current(self) -> bool:
        return set(self.values) <= {self.current}


def key_status() -> KeyStatus:
    """Count stored values by the key that sealed them, and open each one (DataKeyError if one cannot be)."""
    ring = crypto.keyring()
    status = KeyStatus(ring.current.kid, ring.old.kid if ring.old else None, ring.cipher)
    qn = connection.ops.quote_name
    for model, names in _encrypted_models():
        columns = [model._meta.get_field(name).column for name in names]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(model._meta.db_table)}")
            for row in cursor.fetchall():
                for value in row:
                    if value:
                        crypto.decrypt(value, ring)
                        status.values[crypto.sealed_kid(value) or "plain"] += 1
    return status


@transaction.atomic
def rotate_data_key() -> int:
    """Re-seal every encrypted value under GONGKAI_DATA_KEY (opening old ones with GONGKAI_DATA_KEY_OLD) and
    recompute the keyed hashes; return the number of rows rewritten."""
    ring = crypto.keyring()
    if ring.old is None:
        raise DomainError("轮换密钥需要同时设置新密钥 GONGKAI_DATA_KEY 和原密钥 GONGKAI_DATA_KEY_OLD。")
    if ring.old.kid == ring.current.kid:
        raise DomainError("GONGKAI_DATA_KEY 与 GONGKAI_DATA_KEY_OLD 是同一个密钥，无需轮换。")
    rows = 0
    for model, names in _encrypted_models():
        for obj in model._default_manager.select_for_update().order_by("pk").iterator(chunk_size=500):
            # save() seals under the current key and (Application.save) recomputes the hashes beside the fields.
            obj.save(update_fields=names)
            rows += 1
    return rows
