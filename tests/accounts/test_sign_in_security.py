"""Sign-in audit (apps.accounts.LoginEvent) and the list of a person's sessions (allauth.usersessions)."""

import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.usersessions.models import UserSession
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from apps.accounts.models import LoginEvent
from apps.accounts.services import login_event_record
from apps.accounts.tasks import prune_login_events
from tests.factories import PASSWORD, UserFactory

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/139.0 Mobile"


def _sign_in(client, email, password=PASSWORD, *, agent=FIREFOX, ip="203.0.113.9"):
    return client.post("/accounts/login/", {"login": email, "password": password},
                       REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


@pytest.mark.django_db
def test_failed_sign_in_records_what_was_typed_the_address_and_browser(client):
    _sign_in(client, "Nobody@Example.com", "wrong", agent="x" * 400)
    [event] = LoginEvent.objects.all()
    assert event.kind == LoginEvent.Kind.FAILURE and event.user is None
    assert event.email == "nobody@example.com"  # as allauth read it
    assert event.ip == "203.0.113.9"
    assert event.user_agent == "x" * 255  # truncated to the column


@pytest.mark.django_db
def test_successful_sign_in_and_sign_out_are_recorded_for_the_person(client):
    user = UserFactory(email="awa@example.com")
    assert _sign_in(client, user.email).status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=FIREFOX)
    events = list(LoginEvent.objects.order_by("created_at", "pk").values_list("kind", "user", "ip", "user_agent"))
    assert events == [(LoginEvent.Kind.SUCCESS, user.pk, "203.0.113.9", FIREFOX),
                      (LoginEvent.Kind.LOGOUT, user.pk, "203.0.113.9", FIREFOX)]


@pytest.mark.django_db
def test_the_audit_takes_the_client_address_behind_trusted_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post("/accounts/login/", {"login": "a@example.com", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")
    assert LoginEvent.objects.get().ip == "198.51.100.20"


def _totp_code(secret, *, offset=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


@pytest.mark.django_db
def test_two_factor_challenges_passed_and_failed_are_recorded(client):
    # given a person with an authenticator app
    user = UserFactory(email="totp@example.com")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert _sign_in(client, user.email)["Location"].startswith("/accounts/2fa/authenticate/")
    # when they first type a wrong code, then the right one
    near_now = {_totp_code(secret, offset=offset) for offset in range(-3, 4)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in near_now)
    client.post("/accounts/2fa/authenticate/", {"code": wrong}, REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/2fa/authenticate/", {"code": _totp_code(secret)}, REMOTE_ADDR="203.0.113.9")
    # then both steps are in the audit, then the sign-in itself
    kinds = list(LoginEvent.objects.filter(user=user).order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds == [LoginEvent.Kind.MFA_FAILED, LoginEvent.Kind.MFA_PASSED, LoginEvent.Kind.SUCCESS]


@pytest.mark.django_db
def test_administrators_read_the_audit_and_search_it_by_email(client, administrator):
    login_event_record(kind=LoginEvent.Kind.FAILURE, email="guess@example.com")
    login_event_record(kind=LoginEvent.Kind.FAILURE, email="other@example.com")
    client.force_login(administrator)
    response = client.get("/admin/accounts/loginevent/", {"q": "guess@"})
    assert response.status_code == 200
    assert "guess@example.com" in response.text and "other@example.com" not in response.text
    assert client.get("/admin/accounts/loginevent/", {"kind__exact": "failure"}).status_code == 200
    # a record of what happened: nobody adds, edits or deletes one here
    event = LoginEvent.objects.get(email="guess@example.com")
    assert client.get(f"/admin/accounts/loginevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/loginevent/add/").status_code == 403
    assert client.post(f"/admin/accounts/loginevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LoginEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_the_audit_is_closed_to_staff_who_are_not_administrators(client, manager):
    # a manager may edit users, but not read everyone's sign-in trail
    client.force_login(manager)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/loginevent/").status_code == 403
    assert "/admin/accounts/loginevent/" not in client.get("/admin/").text


@pytest.mark.django_db
def test_prune_removes_events_older_than_the_retention_only(settings):
    settings.LOGIN_AUDIT_RETENTION_DAYS = 180
    old = login_event_record(kind=LoginEvent.Kind.FAILURE, email="old@example.com")
    LoginEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=181))
    recent = login_event_record(kind=LoginEvent.Kind.FAILURE, email="recent@example.com")
    LoginEvent.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=179))
    assert prune_login_events() == 1
    assert list(LoginEvent.objects.values_list("email", flat=True)) == ["recent@example.com"]
    assert prune_login_events() == 0


@pytest.mark.django_db
def test_prune_runs_daily():
    assert Schedule.objects.get(name="login-events-prune").func == "apps.accounts.tasks.prune_login_events"


# --- Sessions (allauth.usersessions)


@pytest.mark.django_db
def test_a_person_signed_in_twice_sees_both_sessions_and_ends_the_other():
    # given one person signed in on a laptop and on a phone
    user = UserFactory(email="two.devices@example.com")
    laptop, phone = Client(), Client()
    _sign_in(laptop, user.email, agent=FIREFOX)
    _sign_in(phone, user.email, agent=PHONE_BROWSER, ip="198.51.100.30")
    # when they open the list on the laptop
    page = laptop.get("/accounts/sessions/")
    # then both are listed, in the site's account pages
    assert page.status_code == 200
    html = page.text
    assert FIREFOX in html and PHONE_BROWSER in html and "198.51.100.30" in html
    assert '<header class="site-header">' in html and 'class="account-nav"' in html
    assert 'href="/accounts/sessions/" aria-current="page"' in html
    # when they end the other sessions
    response = laptop.post("/accounts/sessions/")
    # then the phone is signed out and the laptop still signed in
    assert response.status_code == 302
    assert phone.get("/accounts/sessions/").status_code == 302  # back to the sign-in page
    assert laptop.get("/accounts/sessions/").status_code == 200
    assert UserSession.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_the_account_pages_link_to_the_sessions_page(client):
    client.force_login(UserFactory())
    assert 'href="/accounts/sessions/"' in client.get("/accounts/email/").text
