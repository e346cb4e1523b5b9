from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def agency(db):
    root = factories.make_agency("11000000TEST00001X", "测试市人民政府", kind="government")
    return factories.make_agency("11000000TEST00002X", "测试市财政局", parent=root)


@pytest.fixture
def team(agency):
    return factories.make_team(agency)


@pytest.fixture
def published(team, agency):
    return factories.make_document(team, agency)
