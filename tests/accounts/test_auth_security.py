import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

SIGNUP = {"full_name": "Nouvelle Cliente", "phone": "+224 620 11 22 33", "password1": "a-Long-passphrase-2026",
          "password2": "a-Long-passphrase-2026"}


def _normalised(response):
    """The page with per-request tokens removed, to compare two responses."""
    body = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", body)


@pytest.mark.django_db
def test_signup_with_known_or_unknown_email_gives_the_same_response(client):
    UserFactory(email="known@example.com")
    known = client.post("/accounts/signup/", {**SIGNUP, "email": "known@example.com"})
    client.logout()
    unknown = client.post("/accounts/signup/", {**SIGNUP, "email": "new@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert _normalised(client.get(known["Location"])) == _normalised(client.get(unknown["Location"]))
    # the owner of the known address is told by e-mail instead
    assert {m.to[0] for m in mail.outbox} == {"known@example.com", "new@example.com"}


@pytest.mark.django_db
def test_password_reset_with_known_or_unknown_email_gives_the_same_response(client):
    UserFactory(email="known@example.com")
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # each address's owner is told by e-mail; only the known one gets a reset link
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "/accounts/password/reset/key/" in by_address["known@example.com"]
    assert "/accounts/password/reset/key/" not in by_address["nobody@example.com"]


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_sixth_failed_admin_login_within_minutes_is_refused(client):
    user = UserFactory(email="staff@example.com", is_staff=True)
    for _ in range(5):
        response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    # the right password is refused too once the limit is reached
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429 or "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http:/evil.example", "/\\evil.example"])
def test_next_never_leads_off_site(client, target):
    user = UserFactory(email="someone@example.com")
    response = client.post(f"/accounts/login/?next={target}", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith(("//", "/\\"))


@pytest.mark.django_db
def test_next_on_site_is_followed(client):
    user = UserFactory(email="someone@example.com", is_staff=True)
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_login_is_case_insensitive_and_email_unique_ignoring_case(client):
    from django.db import IntegrityError, transaction

    from apps.accounts.models import User

    UserFactory(email="mixed@example.com")
    response = client.post("/accounts/login/", {"login": "MIXED@example.com", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="Mixed@Example.com")
