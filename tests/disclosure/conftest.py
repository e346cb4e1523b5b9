import pytest

from tests.disclosure_factories import disclosure_team


@pytest.fixture
def staff(agency):
    """An officer and the head of the disclosure office of the test agency."""
    return disclosure_team(agency)
