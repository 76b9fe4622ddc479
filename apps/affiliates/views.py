from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.affiliates.models import Affiliate
from apps.affiliates.selectors import commission_list_for_affiliate, commission_totals_for_affiliate

PER_PAGE = 25


@login_required
@require_GET
def dashboard(request):
    """The signed-in affiliate's share link and referred purchases; htmx asks for the table only."""
    affiliate = Affiliate.objects.filter(user=request.user).first()
    if affiliate is None:
        return render(request, "affiliates/not_affiliate.html")
    page = Paginator(commission_list_for_affiliate(affiliate=affiliate), PER_PAGE).get_page(request.GET.get("page"))
    context = {"affiliate": affiliate, "page": page}
    # A history restore after a cache miss also comes from htmx but needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "affiliates/partials/_commission_table.html", context)
    else:
        context.update(
            share_link=request.build_absolute_uri(reverse("home")) + f"?ref={affiliate.code}",
            totals=commission_totals_for_affiliate(affiliate=affiliate),
        )
        response = render(request, "affiliates/dashboard.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
