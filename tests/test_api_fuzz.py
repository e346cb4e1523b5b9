"""Schemathesis over the whole OpenAPI: generated valid and invalid requests to every operation, zero 5xx.

Bounded (a fixed number of examples per operation, derandomised so CI runs are repeatable) so it takes a few
minutes at most; the generated inputs reach our real services and database, nothing is mocked.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.disclosure_factories import make_application
from tests.factories import make_document

EXAMPLES_PER_OPERATION = 60


# Building the OpenAPI document reads no table, so the schema can be loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def records(team, agency, fresh_search, fresh_cache):
    # Real records to look up, so generated ids and codes sometimes hit rows, not only the 404 path.
    make_document(team, agency)
    make_application(agency)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
