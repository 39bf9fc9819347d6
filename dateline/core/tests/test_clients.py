"""The client address behind trusted proxies, never a forged X-Forwarded-For."""

from ipaddress import ip_network

import pytest
from django.test import RequestFactory

from dateline.core.clients import client_ip

PROXIES = [ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8")]


def request(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture
def behind_proxies(settings):
    settings.DATELINE_TRUSTED_PROXIES = PROXIES


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.DATELINE_TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_forwarded_header_from_an_untrusted_peer_is_ignored(behind_proxies):
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_trusted_proxy_reports_the_client(behind_proxies):
    assert client_ip(request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_address_a_client_prepends_is_not_believed(behind_proxies):
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the real peer.
    assert client_ip(request("127.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxies):
    assert client_ip(request("127.0.0.1", "198.51.100.7, 10.1.2.3")) == "198.51.100.7"


def test_garbage_in_the_header_stops_the_walk(behind_proxies):
    assert client_ip(request("127.0.0.1", "198.51.100.7, not-an-ip, 10.1.2.3")) == "10.1.2.3"


def test_ipv6_clients(behind_proxies):
    assert client_ip(request("127.0.0.1", "2001:db8::1")) == "2001:db8::1"
