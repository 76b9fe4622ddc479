from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from apps.catalog.selectors_shop import attach_cover_urls
from apps.orders import favorites as services

PAGE_SIZE = 24


def _next_url(request) -> str:
    """Where to go back to: the page the button was on, never another site."""
    url = request.POST.get("next", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                               require_https=request.is_secure()):
        return url
    return reverse("orders:favorites")


def _set_favorite(user, product_id: int, wanted: str) -> bool:
    # The button sends the state it asks for ("1" or "0"): tapping twice on a slow connection, or a
    # replayed request, leaves the favorite as the buyer saw it asked, where a blind toggle would undo it.
    if wanted == "1":
        services.favorite_add(user=user, product_id=product_id)
        return True
    if wanted == "0":
        services.favorite_remove(user=user, product_id=product_id)
        return False
    return services.favorite_toggle(user=user, product_id=product_id)


@require_POST
def favorite_toggle(request, product_id):
    """Adds or removes a favorite; htmx gets the button back, a plain form post a redirect to `next`."""
    next_url = _next_url(request)
    if not request.user.is_authenticated:
        # a session that expired while the page was open: sign in, then come back to that page
        login = redirect_to_login(next_url)
        return HttpResponseClientRedirect(login.url) if request.htmx else login
    product = get_object_or_404(services.favorite_reachable_products(user=request.user).only("pk", "name", "slug"),
                                pk=product_id)
    error = ""
    try:
        product.is_favorite = _set_favorite(request.user, product.pk, request.POST.get("favorite", ""))
    except services.FavoriteError as exc:
        product.is_favorite, error = False, str(exc)
    if request.htmx:
        return render(request, "orders/partials/_favorite_button.html",
                      {"product": product, "next": next_url, "error": error})
    if error:
        messages.error(request, error)
    elif product.is_favorite:
        messages.success(request, _("%(name)s is in your favorites.") % {"name": product.name})
    else:
        messages.success(request, _("%(name)s was removed from your favorites.") % {"name": product.name})
    return redirect(next_url)


@login_required
@require_GET
def favorites(request):
    page = Paginator(services.favorite_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for favorite in page:
        favorite.product.is_favorite, favorite.product.cover = True, favorite.cover
    attach_cover_urls(favorite.product for favorite in page)
    return render(request, "orders/favorites.html", {"page": page})
