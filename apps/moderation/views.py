from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.catalog.models import Product
from apps.core.exceptions import DomainError
from apps.core.ratelimit import hit
from apps.moderation.forms import ReportForm
from apps.moderation.services import report_create
from apps.vendors.models import Vendor

RATE_WINDOW = 3600


def _target_from(query) -> dict | None:
    """The one thing named in the query string, if it exists and may be reported; junk gives None.

    Only what every visitor may see is named here (a published product, an active store): a person's
    account is not, or the page would tell anybody the name behind any account id."""
    lookups = {
        "product": lambda value: Product.objects.visible().select_related("vendor").get(pk=int(value)),
        "vendor": lambda value: Vendor.objects.active().get(slug=value),
    }
    named = [key for key in lookups if query.get(key)]
    if len(named) != 1:
        return None
    key = named[0]
    try:
        return {key: lookups[key](query[key])}
    except (ValueError, OverflowError, Product.DoesNotExist, Vendor.DoesNotExist):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    target = _target_from(request.GET)
    if target is None:
        return render(request, "moderation/report_unavailable.html", status=404)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not hit(key=f"report:{request.user.pk}", limit=settings.REPORTS_PER_HOUR, window_seconds=RATE_WINDOW):
            form.is_valid()
            form.add_error(None, _("You sent many reports in the last hour. Please try again later."))
            status = 429
        elif form.is_valid():
            try:
                report_create(reporter=request.user, reason=form.cleaned_data["reason"],
                              description=form.cleaned_data["description"], **target)
            except DomainError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                return redirect("moderation:report-thanks")
        else:
            status = 400
    return render(request, "moderation/report_form.html",
                  {"form": form, "target": next(iter(target.values())), "target_kind": next(iter(target))},
                  status=status)


@login_required
def report_thanks(request):
    return render(request, "moderation/report_thanks.html")
