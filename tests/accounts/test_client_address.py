"""One rule for the client's address behind proxies, shared by allauth's login limits and ours."""

import pytest
from django.test import RequestFactory

from apps.core.ratelimit import client_ip
from tests.factories import UserFactory

LIMITED = "Too many failed login attempts"


def _request(remote="203.0.113.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "203.0.113.9"),  # no trusted proxy: a spoofed header is ignored
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client's own entries further left prove nothing
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "203.0.113.9"),  # shorter than the proxy chain: not through our proxies
        (1, "not-an-address", "203.0.113.9"),
        (1, "", "203.0.113.9"),
        (1, None, "203.0.113.9"),
    ],
)
def test_client_address_rule(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(forwarded=forwarded)) == expected


def _fail_logins(client, emails, forwarded):
    responses = [client.post("/accounts/login/", {"login": email, "password": "wrong"},
                             REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded) for email in emails]
    return [LIMITED in r.content.decode() or r.status_code == 429 for r in responses]


@pytest.mark.django_db
def test_two_clients_behind_one_proxy_are_limited_separately(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip,5/5m/key"}
    emails = [f"person{i}@example.com" for i in range(4)]
    assert _fail_logins(client, emails, "198.51.100.1") == [False, False, False, True]
    # another client behind the same load balancer still has its own budget
    assert _fail_logins(client, emails[:1], "198.51.100.2") == [False]


@pytest.mark.django_db
def test_spoofed_forwarded_header_is_ignored_without_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip,5/5m/key"}
    emails = [f"person{i}@example.com" for i in range(3)]
    assert _fail_logins(client, emails, "198.51.100.1") == [False, False, False]
    # a fresh X-Forwarded-For does not buy a fresh budget: the connection's address is what counts
    assert _fail_logins(client, ["other@example.com"], "198.51.100.99") == [True]


@pytest.mark.django_db
def test_one_account_is_limited_whatever_address_the_guesses_come_from(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(email="target@example.com")
    results = [_fail_logins(client, [user.email], f"198.51.100.{i}")[0] for i in range(6)]
    assert results == [False] * 5 + [True]
