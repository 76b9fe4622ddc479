import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from apps.moderation.models import Report
from apps.moderation.services import ReportError, account_reactivate, report_create, report_dismiss, report_resolve
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
Reason, Status = Report.Reason, Report.Status


def _report(reporter, **target):
    return report_create(reporter=reporter, reason=Reason.FRAUD, description="", **target)


def test_a_report_targets_exactly_one_thing(reporters, vendor_a):
    target = UserFactory()
    report = _report(reporters[0], user=target)
    assert report.target == target and report.status == Status.OPEN
    with pytest.raises(ReportError, match="one account, product or store"):
        _report(reporters[0], user=target, vendor=vendor_a)
    with pytest.raises(ReportError):
        _report(reporters[0])


def test_nobody_reports_themselves(reporters):
    with pytest.raises(ReportError, match="cannot report yourself"):
        _report(reporters[0], user=reporters[0])
    assert not Report.objects.exists()


def test_one_open_report_per_target_and_again_once_handled(reporters, moderator, vendor_a):
    first = _report(reporters[0], vendor=vendor_a)
    with pytest.raises(ReportError, match="already reported"):
        _report(reporters[0], vendor=vendor_a)
    report_dismiss(report_id=first.pk, moderator=moderator, note="Nothing wrong")
    assert _report(reporters[0], vendor=vendor_a).status == Status.OPEN
    assert Report.objects.count() == 2


def test_other_needs_a_description(reporters):
    target = UserFactory()
    with pytest.raises(ReportError, match="Describe the problem"):
        report_create(reporter=reporters[0], reason=Reason.OTHER, description="   ", user=target)
    report = report_create(reporter=reporters[0], reason=Reason.OTHER, description="Asks for payment by SMS",
                           user=target)
    assert report.description == "Asks for payment by SMS"


def test_invisible_products_and_suspended_stores_are_refused(reporters, vendor_a, vendor_b):
    pending = ProductFactory(vendor=vendor_a, moderation_status="pending")
    vendor_b.status = "suspended"
    vendor_b.save()
    with pytest.raises(ReportError, match="not on sale"):
        _report(reporters[0], product=pending)
    with pytest.raises(ReportError, match="not open"):
        _report(reporters[0], vendor=vendor_b)
    assert not Report.objects.exists()


def test_a_seller_cannot_report_their_own_store(seller_a, vendor_a):
    with pytest.raises(ReportError, match="own store"):
        _report(seller_a, product=ProductFactory(vendor=vendor_a))


def test_resolve_and_dismiss_need_a_note_and_happen_once(reporters, moderator):
    report = _report(reporters[0], user=UserFactory())
    with pytest.raises(ReportError, match="Write a note"):
        report_resolve(report_id=report.pk, moderator=moderator, note=" ")
    report_resolve(report_id=report.pk, moderator=moderator, note="Warned the user")
    report.refresh_from_db()
    assert (report.status, report.moderator, report.moderator_note) == (Status.RESOLVED, moderator, "Warned the user")
    assert report.handled_at is not None
    with pytest.raises(ReportError, match="already resolved"):
        report_dismiss(report_id=report.pk, moderator=moderator, note="Changed my mind")


def test_ten_open_reports_deactivate_the_account_once(reporters, administrator, django_capture_on_commit_callbacks):
    # given a signed-in account and a second administrator
    second_admin = UserFactory(email="admin2@example.com", roles=["Administrator"], is_staff=True)
    target = UserFactory(email="target@example.com")
    browser = Client()
    browser.force_login(target)
    other_session = Client()
    other_session.force_login(reporters[0])
    with django_capture_on_commit_callbacks(execute=True):
        for reporter in reporters[:9]:
            _report(reporter, user=target)
    target.refresh_from_db()
    assert target.is_active and mail.outbox == []
    # when the tenth report arrives
    with django_capture_on_commit_callbacks(execute=True):
        _report(reporters[9], user=target)
    # then the account is off, its sessions gone (others kept), administrators told once each
    target.refresh_from_db()
    assert not target.is_active
    assert target.history.latest().history_change_reason == "Deactivated automatically: 10 open reports"
    assert "_auth_user_id" not in browser.session
    assert Session.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([administrator.email, second_admin.email])
    assert "target@example.com" in mail.outbox[0].subject
    # and an eleventh report changes nothing more
    with django_capture_on_commit_callbacks(execute=True):
        _report(reporters[10], user=target)
    assert len(mail.outbox) == 2


def test_dismissed_reports_do_not_count(reporters, moderator):
    target = UserFactory()
    dismissed = _report(reporters[0], user=target)
    report_dismiss(report_id=dismissed.pk, moderator=moderator, note="Unfounded")
    for reporter in reporters[1:10]:
        _report(reporter, user=target)
    target.refresh_from_db()
    assert target.is_active  # 9 open + 1 dismissed
    _report(reporters[10], user=target)
    target.refresh_from_db()
    assert not target.is_active


def test_threshold_comes_from_settings(reporters, settings):
    settings.REPORTS_DEACTIVATION_THRESHOLD = 2
    target = UserFactory()
    _report(reporters[0], user=target)
    _report(reporters[1], user=target)
    target.refresh_from_db()
    assert not target.is_active


def test_a_store_at_the_threshold_is_flagged_not_suspended(reporters, administrator, vendor_a,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for reporter in reporters[:11]:
            _report(reporter, vendor=vendor_a)
    vendor_a.refresh_from_db()
    assert vendor_a.status == "active"
    assert [m.to for m in mail.outbox] == [[administrator.email]]
    assert "Alpha Store" in mail.outbox[0].subject


def test_reactivation_needs_a_note_and_is_recorded(reporters, moderator, settings):
    settings.REPORTS_DEACTIVATION_THRESHOLD = 1
    target = UserFactory()
    _report(reporters[0], user=target)
    with pytest.raises(ReportError, match="Write a note"):
        account_reactivate(user_id=target.pk, moderator=moderator, note="")
    account_reactivate(user_id=target.pk, moderator=moderator, note="Reports were a prank")
    target.refresh_from_db()
    assert target.is_active
    latest = target.history.latest()
    assert latest.history_change_reason == "Reactivated by moderator@example.com: Reports were a prank"
    assert latest.history_user == moderator
    with pytest.raises(ReportError, match="already active"):
        account_reactivate(user_id=target.pk, moderator=moderator, note="Again")
