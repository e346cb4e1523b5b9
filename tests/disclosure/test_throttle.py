"""Rate limits hold under parallel requests: a slot is reserved atomically before the work it guards."""

from __future__ import annotations

import json
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client, override_settings

from gongkai.disclosure import throttle
from gongkai.disclosure.models import Application
from tests.disclosure_factories import RESIDENT_ID, make_application

pytestmark = [pytest.mark.django_db(transaction=True)]

PARALLEL = 30


def _payload(agency) -> str:
    return json.dumps({"applicant_type": "natural_person", "name": "李四", "id_number": RESIDENT_ID,
                       "phone": "13900001111", "email": "lisi@example.com",
                       "description": "申请公开本局2025年部门预算的编制说明。", "delivery": "email",
                       "agency": agency.code})


def _all_at_once(request_one) -> list:
    """Run PARALLEL requests from as many threads, released together by a barrier."""
    start = threading.Barrier(PARALLEL)

    def run(_):
        try:
            start.wait()
            return request_one()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(run, range(PARALLEL)))


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT="10/3600")
def test_parallel_api_applications_from_one_address_accept_exactly_the_limit(agency):
    body = _payload(agency)
    responses = _all_at_once(lambda: Client().post("/api/v1/applications", body, content_type="application/json",
                                                   REMOTE_ADDR="203.0.113.7"))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 10 + [429] * (PARALLEL - 10)
    assert all("提交过于频繁" in r.json()["detail"] for r in responses if r.status_code == 429)
    assert Application.objects.count() == 10
    assert throttle.used("intake", "203.0.113.7", 3600) == 10


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT="10/3600")
def test_parallel_form_applications_from_one_address_accept_exactly_the_limit(agency):
    fields = {**json.loads(_payload(agency)), "applicant_type": "natural_person"}

    def submit():
        client = Client()
        client.get("/ysqgk/")
        return client.post("/ysqgk/", fields, REMOTE_ADDR="203.0.113.8")

    responses = _all_at_once(submit)
    codes = sorted(r.status_code for r in responses)
    # An accepted form is answered with the receipt itself (the token never waits in the session).
    assert codes == [200] * 10 + [429] * (PARALLEL - 10)
    assert all("提交过于频繁" in r.content.decode() for r in responses if r.status_code == 429)
    assert Application.objects.count() == 10


def test_parallel_wrong_tracking_guesses_stop_at_the_failure_limit(agency):
    application, token = make_application(agency)
    limit, _ = throttle.TRACKING_FAILURES
    url = f"/api/v1/applications/{application.tracking_code}"
    wrong = {"HTTP_X_ACCESS_TOKEN": "WRONG-WRONG-WRONG"}
    responses = _all_at_once(lambda: Client().get(url, REMOTE_ADDR="203.0.113.9", **wrong))
    responses += _all_at_once(lambda: Client().get(url, REMOTE_ADDR="203.0.113.9", **wrong))
    codes = sorted(r.status_code for r in responses)
    assert codes == [404] * limit + [429] * (2 * PARALLEL - limit)
    assert all(r.json()["detail"] == throttle.TRACKING_MESSAGE for r in responses if r.status_code == 429)
    # Once limited, even the right token waits: the address is not told which guess would have worked.
    right = Client().get(f"/api/v1/applications/{application.tracking_code}", HTTP_X_ACCESS_TOKEN=token,
                         REMOTE_ADDR="203.0.113.9")
    assert right.status_code == 429


def test_successful_look_ups_use_no_failure_slots(agency):
    application, token = make_application(agency)
    url = f"/api/v1/applications/{application.tracking_code}"
    responses = _all_at_once(lambda: Client().get(url, REMOTE_ADDR="203.0.113.10", HTTP_X_ACCESS_TOKEN=token))
    assert {r.status_code for r in responses} == {200}
    assert throttle.used("tracking", "203.0.113.10", throttle.TRACKING_FAILURES[1]) == 0


def _submit_from_process(body: str, start, results) -> None:
    """One app process: its own database connection, waiting at the barrier, then one application."""
    connections.close_all()
    try:
        start.wait()
        response = Client().post("/api/v1/applications", body, content_type="application/json",
                                 REMOTE_ADDR="203.0.113.11")
        results.put(response.status_code)
    finally:
        connections.close_all()


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT="3/3600")
def test_parallel_processes_from_one_address_accept_exactly_the_limit(agency):
    # Like several gunicorn workers on one host: separate processes, separate connections, one database.
    processes = 8
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(processes), context.Queue()
    body = _payload(agency)
    connections.close_all()  # a forked child must not share the parent's connection
    workers = [context.Process(target=_submit_from_process, args=(body, start, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    # A child that died would never answer: the generous bound only keeps a broken run from hanging.
    codes = sorted(results.get(timeout=600) for _ in workers)
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    assert codes == [201] * 3 + [429] * (processes - 3)
    assert Application.objects.count() == 3
