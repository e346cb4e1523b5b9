"""Schemathesis over the whole OpenAPI: generated valid and invalid requests to every operation, zero 5xx.

Bounded (a fixed number of examples per operation, derandomised so CI runs are repeatable) so it takes a few
minutes at most; the generated inputs reach our real services and database, nothing is mocked.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.disclosure_factories import make_application
from tests.factories import make_document

EXAMPLES_PER_OPERATION = 60


# Building the OpenAPI document reads no table, so the schema can be loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def one_connection():
    """Keep the test's database connection open across requests, as Django's own test client does: the
    WSGI app otherwise closes it after each request, in the middle of the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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
