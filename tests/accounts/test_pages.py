import re

import pytest
from django.template.loader import get_template

from apps.vendors.models import Vendor
from tests.factories import UserFactory, VendorFactory

STYLESHEET = '<link rel="stylesheet" href="/static/css/site.css">'
HEADER = '<header class="site-header">'


def _input(html: str, name: str) -> str:
    """The <input> tag for the field called `name`."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def _assert_customer_shell(response):
    html = response.content.decode()
    assert STYLESHEET in html
    assert HEADER in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_customer_pages_render_in_the_site_shell(client, url):
    response = client.get(url)
    assert response.status_code == 200
    _assert_customer_shell(response)


@pytest.mark.django_db
def test_missing_page_renders_our_404_in_the_site_shell(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_customer_shell(response)
    assert "We cannot find this page" in response.text


def test_500_page_renders_without_request_or_context():
    html = get_template("500.html").render({})
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html
    assert HEADER not in html  # standalone: nothing from base.html


@pytest.mark.django_db
def test_signup_inputs_have_types_and_autocomplete(client):
    html = client.get("/accounts/signup/").content.decode()
    full_name, phone, email = _input(html, "full_name"), _input(html, "phone"), _input(html, "email")
    assert 'type="text"' in full_name and 'autocomplete="name"' in full_name
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone
    assert 'type="email"' in email and 'autocomplete="email"' in email
    for name in ("password1", "password2"):
        field = _input(html, name)
        assert 'type="password"' in field and 'autocomplete="new-password"' in field
    # every visible input has a label above it
    for field_id in ("id_email", "id_full_name", "id_phone", "id_password1", "id_password2"):
        assert f'<label for="{field_id}">' in html


@pytest.mark.django_db
def test_login_inputs_have_types_and_autocomplete(client):
    html = client.get("/accounts/login/").content.decode()
    login, password = _input(html, "login"), _input(html, "password")
    assert 'type="email"' in login and 'autocomplete="email"' in login
    assert 'type="password"' in password and 'autocomplete="current-password"' in password


@pytest.mark.django_db
def test_signup_error_is_shown_next_to_its_field_and_described_by_it(client):
    # when the form comes back with a bad e-mail address
    response = client.post("/accounts/signup/", {"email": "not-an-address", "full_name": "Awa Camara",
                                                 "password1": "a-Long-passphrase-2026",
                                                 "password2": "a-Long-passphrase-2026"})

    # then the page re-renders with the error tied to the e-mail input
    assert response.status_code == 200
    html = response.content.decode()
    email = _input(html, "email")
    assert 'aria-invalid="true"' in email
    assert 'aria-describedby="id_email_error"' in email
    assert re.search(r'<ul class="errorlist" id="id_email_error"><li>[^<]+</li></ul>', html)


@pytest.mark.django_db
def test_home_lists_active_vendors_with_contact_and_currency(client):
    VendorFactory(name="Kaloum Auto Services", contact_email="contact@kaloum.example",
                  contact_phone="+224 620 00 00 01", default_currency="GNF")
    VendorFactory(name="Closed Shop", status=Vendor.Status.SUSPENDED)

    html = client.get("/").content.decode()

    assert "Kaloum Auto Services" in html
    assert 'href="mailto:contact@kaloum.example"' in html
    assert 'href="tel:+224620000001"' in html
    assert "GNF" in html
    assert "Closed Shop" not in html
    assert "No vendor is open yet." not in html


@pytest.mark.django_db
def test_home_without_vendors_shows_the_empty_state(client):
    html = client.get("/").content.decode()
    assert 'class="empty-state"' in html
    assert "No vendor is open yet." in html


@pytest.mark.django_db
def test_header_for_visitor_offers_sign_in_and_sign_up(client):
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/signup/"' in html
    assert 'action="/accounts/logout/"' not in html


@pytest.mark.django_db
def test_header_for_customer_offers_account_and_sign_out_as_post_but_no_back_office(client):
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert 'href="/accounts/email/"' in html
    assert re.search(r'<form method="post" action="/accounts/logout/">\s*<input type="hidden" '
                     r'name="csrfmiddlewaretoken"', html)
    assert 'href="/admin/"' not in html
    assert 'href="/accounts/login/"' not in html


@pytest.mark.django_db
def test_header_for_staff_links_to_the_back_office(client):
    client.force_login(UserFactory(is_staff=True))
    assert 'href="/admin/"' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "current"), [
    ("/accounts/email/", "/accounts/email/"),
    ("/accounts/password/change/", "/accounts/password/change/"),
    ("/accounts/2fa/", "/accounts/2fa/"),
])
def test_account_pages_have_the_account_sub_navigation(client, url, current):
    user = UserFactory()
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == 200
    _assert_customer_shell(response)
    html = response.content.decode()
    nav = re.search(r'<nav class="account-nav".*?</nav>', html, re.S).group(0)
    assert user.email in nav
    for link in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
        assert f'href="{link}"' in nav
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [current]
