"""The e-mail log in the back office: read-only pages, filters, "Send again"."""

import pytest
from django.core import mail
from django.urls import reverse

from apps.notifications.models import EmailLog
from tests.factories import EmailLogFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/emaillog/"


def test_administrator_sees_the_log_pages(client, administrator):
    log = EmailLogFactory(subject="Request SR-1 confirmed", status=EmailLog.Status.FAILED, attempts=4,
                          last_error="ConnectionRefusedError: down")
    client.force_login(administrator)

    changelist = client.get(CHANGELIST)
    detail = client.get(reverse("admin:notifications_emaillog_change", args=[log.pk]))
    history = client.get(reverse("admin:notifications_emaillog_history", args=[log.pk]))

    assert changelist.status_code == detail.status_code == history.status_code == 200
    assert "Request SR-1 confirmed" in changelist.text and "Failed" in changelist.text
    assert "ConnectionRefusedError: down" in detail.text
    assert "Send again" in detail.text


def test_the_log_cannot_be_written_by_hand(client, administrator):
    log = EmailLogFactory()
    client.force_login(administrator)

    assert client.get(reverse("admin:notifications_emaillog_add")).status_code == 403
    assert client.get(reverse("admin:notifications_emaillog_delete", args=[log.pk])).status_code == 403
    assert client.post(reverse("admin:notifications_emaillog_change", args=[log.pk]),
                       {"to": "evil@example.com"}).status_code == 403
    assert client.get(reverse("admin:notifications_emaillog_import")).status_code == 403


def test_filter_by_related_reference_and_search(client, administrator):
    EmailLogFactory(subject="About SR-7", related_reference="SR-7")
    EmailLogFactory(subject="About SR-8", related_reference="SR-8")
    client.force_login(administrator)

    by_reference = client.get(CHANGELIST, {"related_reference": "SR-7"})
    by_search = client.get(CHANGELIST, {"q": "SR-8"})

    assert "About SR-7" in by_reference.text and "About SR-8" not in by_reference.text
    assert "About SR-8" in by_search.text and "About SR-7" not in by_search.text


def test_send_again_action_requeues_failed_e_mails_only(client, administrator, django_capture_on_commit_callbacks):
    failed = EmailLogFactory(status=EmailLog.Status.FAILED, attempts=4, last_error="down")
    sent = EmailLogFactory(status=EmailLog.Status.SENT, attempts=1)
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "resend_selected", "_selected_action": [failed.pk, sent.pk]},
                               follow=True)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (EmailLog.Status.SENT, 1, "")
    assert [message.to for message in mail.outbox] == [[failed.to]]  # the sent one is not sent again
    assert "only failed e-mails can be sent again" in response.text


def test_send_again_button_on_the_detail_page(client, administrator, django_capture_on_commit_callbacks):
    failed = EmailLogFactory(status=EmailLog.Status.FAILED, attempts=4)
    client.force_login(administrator)
    url = reverse("admin:notifications_emaillog_resend_detail", args=[failed.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == EmailLog.Status.SENT and len(mail.outbox) == 1


def test_people_without_the_permission_cannot_open_or_resend(client, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    seller = UserFactory(roles=["Seller"], is_staff=True)
    failed = EmailLogFactory(status=EmailLog.Status.FAILED)
    client.force_login(seller)

    assert client.get(CHANGELIST).status_code == 403
    assert client.post(reverse("admin:notifications_emaillog_resend_detail", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.status == EmailLog.Status.FAILED
