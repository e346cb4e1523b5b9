"""The visitor's address: forwarded headers are believed only from configured proxies."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from gongkai.conf import trusted_proxies
from gongkai.core.clientip import client_ip, parse_ip


def ip(settings, proxies: str, remote: str, forwarded: str | None = None, real: str | None = None) -> str:
    settings.GONGKAI_TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    if real is not None:
        extra["HTTP_X_REAL_IP"] = real
    return client_ip(RequestFactory().get("/", **extra))


def test_spoofing_from_loopback_without_the_setting_is_ignored(settings):
    assert ip(settings, "", "127.0.0.1", "1.2.3.4") == "127.0.0.1"
    assert ip(settings, "", "::1", "1.2.3.4", real="5.6.7.8") == "::1"
    assert ip(settings, "", "203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_a_trusted_proxy_gives_the_real_client(settings):
    assert ip(settings, "127.0.0.1", "127.0.0.1", "198.51.100.7") == "198.51.100.7"
    assert ip(settings, "127.0.0.1", "127.0.0.1", real="198.51.100.8") == "198.51.100.8"
    assert ip(settings, "10.0.0.0/8", "10.2.3.4", "2001:db8::5") == "2001:db8::5"
    # Without any forwarded header the proxy itself is the client.
    assert ip(settings, "127.0.0.1", "127.0.0.1") == "127.0.0.1"


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(settings):
    assert ip(settings, "10.0.0.1", "203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_chains_are_walked_from_the_right_past_trusted_hops_only(settings):
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw; the inner proxy appended nginx's.
    chain = "6.6.6.6, 198.51.100.7, 10.0.0.2"
    assert ip(settings, "10.0.0.0/24, 127.0.0.1", "127.0.0.1", chain) == "198.51.100.7"
    # An untrusted hop in the middle ends the walk there: nothing left of it can be believed.
    assert ip(settings, "127.0.0.1", "127.0.0.1", chain) == "10.0.0.2"
    # Every hop trusted: the leftmost is the client.
    assert ip(settings, "10.0.0.0/8", "10.0.0.1", "10.9.9.9, 10.0.0.2") == "10.9.9.9"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "1.2.3.4.5", "999.1.1.1", "<script>", ",,,"])
def test_malformed_forwarded_values_are_ignored(settings, forwarded):
    assert ip(settings, "127.0.0.1", "127.0.0.1", forwarded) == "127.0.0.1"
    assert ip(settings, "127.0.0.1", "127.0.0.1", real=forwarded or "x") == "127.0.0.1"


def test_a_malformed_hop_stops_the_walk(settings):
    assert ip(settings, "127.0.0.1", "127.0.0.1", "1.2.3.4, garbage") == "127.0.0.1"


def test_addresses_are_normalised(settings):
    assert parse_ip("[2001:DB8::1]:443") == "2001:db8::1"
    assert parse_ip("1.2.3.4:5678") == "1.2.3.4"
    assert parse_ip("::ffff:1.2.3.4") == "1.2.3.4"
    assert ip(settings, "", "") == "unknown"


def test_a_wrong_proxy_entry_stops_start_up_with_a_chinese_message(monkeypatch):
    monkeypatch.setenv("GONGKAI_TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    with pytest.raises(ImproperlyConfigured, match="“nginx.local”不是"):
        trusted_proxies()
    monkeypatch.setenv("GONGKAI_TRUSTED_PROXIES", " 127.0.0.1 ,10.0.0.0/8,")
    assert [str(n) for n in trusted_proxies()] == ["127.0.0.1/32", "10.0.0.0/8"]
