from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from djmoney.money import Money

from apps.loyalty.selectors import loyalty_history, loyalty_next_expiry
from apps.loyalty.services import loyalty_balance, loyalty_points_value


@login_required
def account(request):
    page = Paginator(loyalty_history(user=request.user), 20).get_page(request.GET.get("page"))
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "loyalty/partials/_history.html", {"page": page})
    balance = loyalty_balance(user=request.user)
    return render(request, "loyalty/account.html", {
        "balance": balance,
        "balance_value": loyalty_points_value(points=balance),
        "next_expiry": loyalty_next_expiry(user=request.user),
        "page": page,
        "earn_unit": Money(settings.LOYALTY_EARN_UNIT, settings.BASE_CURRENCY),
        "point_value": loyalty_points_value(points=1),
        "expiry_days": settings.LOYALTY_EXPIRY_DAYS,
    })
