"""End-to-end journeys in a real browser.

Pages are being restyled, so elements are found by form field names, form actions and roles,
never by CSS classes or headings.
"""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from playwright.sync_api import Page, expect

from apps.accounts.models import User
from apps.accounts.roles import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def submit(page: Page, field: str) -> None:
    """Click the submit button of the form holding the named field."""
    page.locator(f"form:has([name='{field}'])").locator("button[type=submit], input[type=submit]").first.click()


def log_in(page: Page, email: str, password: str) -> None:
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page, "login")


def test_customer_signs_up_confirms_email_signs_out_and_signs_in_again(page: Page, live_server, mailoutbox):
    # given a visitor on the sign-up page
    page.goto("/accounts/signup/")

    # when they create an account
    page.locator("input[name=email]").fill("awa.camara@example.com")
    page.locator("input[name=full_name]").fill("Awa Camara")
    page.locator("input[name=phone]").fill("+224 620 12 34 56")
    page.locator("input[name=password1]").fill("kaloum-market-2024")
    page.locator("input[name=password2]").fill("kaloum-market-2024")
    submit(page, "password1")

    # then the account exists but waits for the address to be confirmed: not signed in yet
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(0)
    user = User.objects.get(email="awa.camara@example.com")
    assert (user.full_name, user.phone) == ("Awa Camara", "+224 620 12 34 56")
    assert [message.to for message in mailoutbox] == [["awa.camara@example.com"]]

    # when they follow the link in the e-mail and confirm
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    page.goto(link.group(1))
    page.locator("form[action^='/accounts/confirm-email/'] [type=submit]").click()

    # and sign in (unless ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION already did)
    signed_in_form = page.locator("form[action='/accounts/logout/']")
    login_field = page.locator("input[name=login]")
    expect(signed_in_form.or_(login_field).first).to_be_visible()
    if login_field.count():
        log_in(page, "awa.camara@example.com", "kaloum-market-2024")

    # then they are signed in: the header links to their account and offers to sign out
    sign_out = page.locator("form[action='/accounts/logout/'] [type=submit]")
    expect(sign_out).to_be_visible()
    expect(page.locator("a[href='/accounts/email/']")).to_be_visible()
    assert user.emailaddress_set.get(email="awa.camara@example.com").verified

    # when they sign out
    sign_out.click()

    # then the header offers to sign in again
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(0)
    expect(page.locator("a[href='/accounts/login/']").first).to_be_visible()

    # when they sign in with the same e-mail and password
    page.goto("/accounts/login/")
    log_in(page, "awa.camara@example.com", "kaloum-market-2024")

    # then they are signed in again
    expect(page.locator("form[action='/accounts/logout/'] [type=submit]")).to_be_visible()
    expect(page.locator("a[href='/accounts/email/']")).to_be_visible()


def test_seller_logs_into_admin_and_sees_only_its_own_vendor(page: Page, live_server):
    # given two vendors, each with its own seller
    own = MembershipFactory(vendor__name="Kaloum Auto Services", user__email="owner.kaloum@example.com")
    MembershipFactory(vendor__name="Madina Market", user__email="owner.madina@example.com")

    # when the first seller opens the back office
    page.goto("/admin/")

    # then the sign-in goes through allauth, and comes back to the admin
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)admin(/|%2F)$"))
    log_in(page, own.user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # and the vendor list holds its own store only
    page.goto("/admin/vendors/vendor/")
    expect(page.locator("#result_list, table").first).to_contain_text("Kaloum Auto Services")
    assert "Madina Market" not in page.content()


def _totp_code(secret: str, *, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def test_user_with_totp_must_enter_a_code_before_reaching_admin(page: Page, live_server):
    # given a manager who turned on two-factor authentication
    user = UserFactory(email="manager.totp@example.com", roles=[Role.MANAGER])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    # when they sign in to the back office with the right password
    page.goto("/admin/")
    log_in(page, user.email, PASSWORD)

    # then a code is asked for, and the admin stays closed
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator("input[name=code]")).to_be_visible()
    admin = page.request.get(live_server.url + "/admin/", max_redirects=0)
    assert admin.status == 302
    assert "/admin/login/" in admin.headers["location"] or "/accounts/login/" in admin.headers["location"]

    # when they enter a wrong code: one that is valid at no time near now
    near_now = {_totp_code(secret, offset=offset) for offset in range(-3, 4)}
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in near_now)
    page.locator("input[name=code]").fill(wrong)
    submit(page, "code")

    # then they stay on the code page with an error, still outside the admin
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    assert page.request.get(live_server.url + "/admin/", max_redirects=0).status == 302

    # when they enter the current code
    page.locator("input[name=code]").fill(_totp_code(secret))
    submit(page, "code")

    # then the admin opens
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert page.request.get(live_server.url + "/admin/", max_redirects=0).status == 200
