import pytest

from apps.moderation.models import Report
from apps.moderation.services import report_create
from apps.notifications.models import EmailLog
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_reports_deactivate_once_and_notify_once(run_concurrently, administrator):
    # given 15 people reporting the same account at the same moment
    target = UserFactory(email="target@example.com")
    reporters = [UserFactory(email=f"racer{i}@example.com") for i in range(15)]
    # when
    outcomes = run_concurrently(lambda i: report_create(reporter=reporters[i], reason="spam", description="",
                                                        user=target), 15)
    # then every report is kept, the account is off, and administrators are told exactly once
    assert all(isinstance(o, Report) for o in outcomes), outcomes
    target.refresh_from_db()
    assert not target.is_active
    reasons = [h.history_change_reason for h in target.history.all()]
    assert reasons.count("Deactivated automatically: 10 open reports") == 1
    assert EmailLog.objects.filter(kind="moderation.deactivated", to=administrator.email).count() == 1


def test_the_same_person_reporting_twice_at_once_makes_one_report(run_concurrently, vendor_a):
    reporter = UserFactory()
    run_concurrently(lambda i: report_create(reporter=reporter, reason="fraud", description="", vendor=vendor_a), 5)
    assert Report.objects.filter(reporter=reporter).count() == 1
