import pytest

from tests import factories
from tests.disclosure_factories import disclosure_team


@pytest.fixture
def office(db):
    """A department with its disclosure office and its document team, under a government."""
    government = factories.make_agency("11000000CAT000001X", "目录市人民政府", kind="government")
    finance = factories.make_agency("11000000CAT000002X", "目录市财政局", parent=government)
    finance.address, finance.phone = "目录市人民路1号", "0571-88880000"
    finance.save()
    return {"government": government, "agency": finance, **disclosure_team(finance),
            "team": factories.make_team(finance)}
