"""The audit log (core.audit): append-only."""


import pytest

from gongkai.core.audit import history


def test_audit_entries_are_append_only(published):
    entry = history(published).first()
    entry.comment = "篡改"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
