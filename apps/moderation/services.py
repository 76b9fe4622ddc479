"""Every write of moderation: reports, their handling, and deactivating / reactivating accounts."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.roles import Role
from apps.catalog.models import Product
from apps.core.exceptions import DomainError
from apps.moderation.models import Report
from apps.notifications.services import email_queue, notify
from apps.vendors.models import Vendor

User = get_user_model()
Status = Report.Status

ALLOWED = {
    Status.OPEN: {Status.RESOLVED, Status.DISMISSED},
    Status.RESOLVED: set(),
    Status.DISMISSED: set(),
}


class ReportError(DomainError):
    pass


def report_create(*, reporter, reason: str, description: str, user=None, product=None, vendor=None) -> Report:
    """Record a report on exactly one target; an account reaching the threshold is deactivated."""
    description = (description or "").strip()
    _check_new_report(reporter=reporter, reason=reason, description=description, user=user, product=product,
                      vendor=vendor)
    with transaction.atomic():
        if user is not None:
            # the row lock serialises reports on one account, so the threshold is crossed exactly once
            user = User.objects.select_for_update().get(pk=user.pk)
        if vendor is not None:
            vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        try:
            with transaction.atomic():
                report = Report.objects.create(reporter=reporter, reason=reason, description=description,
                                               reported_user=user, product=product, vendor=vendor)
        except IntegrityError:  # the same person reporting twice at once
            raise ReportError(_("You already reported this; a moderator will look at it.")) from None
        if user is not None:
            _deactivate_if_over_threshold(user)
        if vendor is not None:
            _flag_vendor_at_threshold(vendor, report)
    return report


def _check_new_report(*, reporter, reason, description, user, product, vendor) -> None:
    targets = [t for t in (user, product, vendor) if t is not None]
    if len(targets) != 1:
        raise ReportError(_("Report one account, product or store at a time."))
    if reason not in Report.Reason.values:
        raise ReportError(_("Choose a reason for the report."))
    if reason == Report.Reason.OTHER and not description:
        raise ReportError(_("Describe the problem when the reason is “Something else”."))
    if user is not None and user.pk == reporter.pk:
        raise ReportError(_("You cannot report yourself."))
    if product is not None and not Product.objects.visible().filter(pk=product.pk).exists():
        raise ReportError(_("This product is not on sale any more and cannot be reported."))
    if vendor is not None and not Vendor.objects.active().filter(pk=vendor.pk).exists():
        raise ReportError(_("This store is not open any more and cannot be reported."))
    own_vendor = product.vendor_id if product is not None else getattr(vendor, "pk", None)
    if own_vendor and reporter.vendor_memberships.filter(vendor_id=own_vendor).exists():
        raise ReportError(_("You cannot report your own store or its products."))
    target_field = {"reported_user": user, "product": product, "vendor": vendor}
    if Report.objects.filter(reporter=reporter, status=Status.OPEN,
                             **{k: v for k, v in target_field.items() if v is not None}).exists():
        raise ReportError(_("You already reported this; a moderator will look at it."))


def _open_count(**target) -> int:
    return Report.objects.filter(status=Status.OPEN, **target).count()


def _deactivate_if_over_threshold(user) -> None:
    """Called with the user row locked: deactivate once, end the sessions, tell administrators."""
    count = _open_count(reported_user=user)
    if not user.is_active or count < settings.REPORTS_DEACTIVATION_THRESHOLD:
        return
    user.is_active = False
    user._change_reason = f"Deactivated automatically: {count} open reports"
    user.save(update_fields=["is_active"])
    sessions_end_for(user=user)
    deactivation = user.history.latest().history_id
    admins = list(administrators())
    subject = _("Account deactivated after %(count)s reports: %(who)s") % {"count": count, "who": user.email}
    notify(admins, kind="moderation.deactivated", email=False, dedupe_key=f"moderation:deactivated:{deactivation}",
           title=subject, url=reverse("admin:accounts_user_change", args=[user.pk]))
    for admin in admins:
        email_queue(to=admin.email, subject=subject,
                    template="moderation/email/account_deactivated",
                    context={"user": user, "count": count, "admin": admin}, kind="moderation.deactivated",
                    dedupe_key=f"moderation:deactivated:{deactivation}:{admin.pk}", related_reference=user.email)


def _flag_vendor_at_threshold(vendor, report: Report) -> None:
    """Stores are not suspended automatically (that stops every sale): administrators decide."""
    count = _open_count(vendor=vendor)
    if count != settings.REPORTS_DEACTIVATION_THRESHOLD:
        return
    admins = list(administrators())
    subject = _("Store reported %(count)s times: %(name)s") % {"count": count, "name": vendor.name}
    notify(admins, kind="moderation.vendor", email=False, dedupe_key=f"moderation:vendor:{report.pk}",
           title=subject, url=reverse("admin:vendors_vendor_change", args=[vendor.pk]))
    for admin in admins:
        email_queue(to=admin.email, subject=subject,
                    template="moderation/email/vendor_reported",
                    context={"vendor": vendor, "count": count, "admin": admin}, kind="moderation.vendor",
                    dedupe_key=f"moderation:vendor:{report.pk}:{admin.pk}", related_reference=vendor.slug)


def administrators():
    return User.objects.filter(Q(groups__name=Role.ADMINISTRATOR) | Q(is_superuser=True),
                               is_active=True).exclude(email="").distinct().order_by("pk")


def sessions_end_for(*, user) -> int:
    """Delete every stored session logged in as this user; returns how many were ended.

    Sessions are signed blobs, so they are decoded one by one: fine while there are a few
    thousand live sessions.
    """
    ended = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _handle(*, report_id: int, moderator, note: str, to_status: str) -> Report:
    note = (note or "").strip()
    if not note:
        raise ReportError(_("Write a note saying what you decided and why."))
    report = Report.objects.select_for_update().get(pk=report_id)
    if to_status not in ALLOWED[report.status]:
        raise ReportError(_("This report is already %(status)s.") % {"status": report.get_status_display().lower()})
    report.status, report.moderator, report.moderator_note = to_status, moderator, note
    report.handled_at = timezone.now()
    report._history_user = moderator
    report.save(update_fields=["status", "moderator", "moderator_note", "handled_at", "updated_at"])
    _notify_reporter(report)
    return report


REPORT_OUTCOMES = {
    Status.RESOLVED: _lazy("A moderator looked into it and took action. Thank you for telling us."),
    Status.DISMISSED: _lazy("A moderator looked into it and found nothing against our rules."),
}


def _notify_reporter(report: Report) -> None:
    # The moderator's note stays internal: the reporter learns the outcome, not the deliberation.
    notify(report.reporter, kind="moderation.report_outcome", dedupe_key=f"moderation:outcome:{report.pk}",
           title=_("Your report about %(target)s was %(status)s")
           % {"target": report.target, "status": report.get_status_display().lower()},
           body=str(REPORT_OUTCOMES[report.status]))


@transaction.atomic
def report_resolve(*, report_id: int, moderator, note: str) -> Report:
    """The report was right and something was done about it."""
    return _handle(report_id=report_id, moderator=moderator, note=note, to_status=Status.RESOLVED)


@transaction.atomic
def report_dismiss(*, report_id: int, moderator, note: str) -> Report:
    """The report was unfounded; it no longer counts towards the threshold."""
    return _handle(report_id=report_id, moderator=moderator, note=note, to_status=Status.DISMISSED)


@transaction.atomic
def account_reactivate(*, user_id: int, moderator, note: str):
    """Let a deactivated account sign in again, recording who decided and why."""
    note = (note or "").strip()
    if not note:
        raise ReportError(_("Write a note saying why the account is reactivated."))
    user = User.objects.select_for_update().get(pk=user_id)
    if user.is_active:
        raise ReportError(_("%(who)s is already active.") % {"who": user.email})
    user.is_active = True
    user._change_reason = f"Reactivated by {moderator.email}: {note}"
    user._history_user = moderator
    user.save(update_fields=["is_active"])
    return user
