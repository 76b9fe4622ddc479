import pytest

from apps.moderation.models import Report
from apps.moderation.services import report_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/moderation/report/"


@pytest.fixture
def report(vendor_a):
    return report_create(reporter=UserFactory(full_name="Rita Reporter"), reason="fraud",
                         description="Took my money", vendor=vendor_a)


@pytest.fixture
def account_report(settings):
    settings.REPORTS_DEACTIVATION_THRESHOLD = 1
    return report_create(reporter=UserFactory(), reason="abusive", description="",
                         user=UserFactory(email="rude@example.com"))


def test_moderators_list_and_filter_reports(client, moderator, report, account_report):
    client.force_login(moderator)
    listing = client.get(ADMIN).content.decode()
    assert "Store: Alpha Store" in listing and "Account: " in listing and "Rita Reporter" in listing
    filtered = client.get(f"{ADMIN}?target=vendor").content.decode()
    assert "Store: Alpha Store" in filtered and "rude@example.com" not in filtered
    assert client.get(f"{ADMIN}?status=open&reason=fraud").status_code == 200


def test_sellers_never_see_reports_even_about_their_store(client, seller_a, report):
    client.force_login(seller_a)
    for url in (ADMIN, f"{ADMIN}{report.pk}/change/", f"{ADMIN}{report.pk}/resolve/", f"{ADMIN}{report.pk}/history/"):
        response = client.get(url)
        assert response.status_code == 403 and "Took my money" not in response.content.decode()
    assert client.post(f"{ADMIN}{report.pk}/resolve/", {"note": "Closing it myself"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_resolve_needs_a_note_then_calls_the_service(client, moderator, report):
    client.force_login(moderator)
    url = f"{ADMIN}{report.pk}/resolve/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert client.post(url, {"note": "Store warned"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.moderator_note, report.moderator) == ("resolved", "Store warned", moderator)


def test_dismiss_twice_reports_the_refusal(client, moderator, report):
    client.force_login(moderator)
    url = f"{ADMIN}{report.pk}/dismiss/"
    client.post(url, {"note": "Unfounded"})
    response = client.post(url, {"note": "Again"}, follow=True)
    assert "already dismissed" in response.content.decode()


def test_reactivate_the_reported_account(client, moderator, account_report, report):
    target = account_report.reported_user
    target.refresh_from_db()
    assert not target.is_active
    client.force_login(moderator)
    client.post(f"{ADMIN}{account_report.pk}/reactivate/", {"note": "Misunderstanding"})
    target.refresh_from_db()
    assert target.is_active
    response = client.post(f"{ADMIN}{report.pk}/reactivate/", {"note": "x"}, follow=True)
    assert "not about an account" in response.content.decode()


def test_superusers_moderate_without_a_role(client, administrator, report):
    client.force_login(administrator)
    assert client.get(f"{ADMIN}{report.pk}/change/").status_code == 200
