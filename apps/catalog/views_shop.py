import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.catalog import selectors_shop
from apps.catalog.extensions import mark_products
from apps.catalog.forms_shop import ProductFilterForm
from apps.catalog.models import Product
from apps.vendors.models import Vendor

PAGE_SIZE = 24
REVIEWS_PAGE_SIZE = 10
# Stands for the visitor's CSRF token in shared HTML; each response gets its own token in its place.
CSRF_PLACEHOLDER = "csrf-token-placeholder-0000000000000000000000000000000000000000000000000000"


def _wants_fragment(request) -> bool:
    # htmx restores a page missing from its history cache with a full request: that one needs the whole page
    return bool(request.htmx) and not request.htmx.history_restore_request


def _catalogue_context(request, *, vendor: Vendor | None) -> dict:
    facets = selectors_shop.product_facets(vendor=vendor)
    form = ProductFilterForm(request.GET, facets=facets)
    filters = form.filters()
    products = selectors_shop.product_list_for_buyers(vendor=vendor, **filters)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    mark_products(request.user, page.object_list)
    selectors_shop.attach_cover_urls(page.object_list)
    facets.open_branch(filters["category"])
    return {"form": form, "page": page, "facets": facets, "current": filters["category"]}


def _shared_page_key(request, fragment: bool) -> str | None:
    """The cache key of a page that every guest sees alike, or None when this visitor needs their own.

    A session cookie means a signed-in buyer or a guest with a cart: the header, the favorites are theirs.
    Pending messages are shown once, to this visitor only.
    """
    if (not settings.SHOP_LIST_CACHE_SECONDS or settings.SESSION_COOKIE_NAME in request.COOKIES
            or get_messages(request)):
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"shop:list:{get_language()}:{int(fragment)}:{path}"


def _catalogue(request, *, template: str, vendor: Vendor | None = None, page_context=dict):
    """The product list of the shop or of one store; an htmx request gets the results fragment only.

    Guests share the rendered page for SHOP_LIST_CACHE_SECONDS, each with their own CSRF token put in:
    from the cache a page costs one cache read instead of half a dozen queries and two dozen cards.
    page_context() adds what only the full page shows; it is not called for a fragment or a cached page.
    """
    fragment = _wants_fragment(request)
    key = _shared_page_key(request, fragment)
    html = cache.get(key) if key else None
    if html is None:
        context = _catalogue_context(request, vendor=vendor) | {"fragment": fragment}
        if not fragment:
            context |= page_context()
        if key:
            context["csrf_token"] = CSRF_PLACEHOLDER
        html = render_to_string("catalog/shop/partials/_product_list.html" if fragment else template, context,
                                request)
        if key:
            cache.set(key, html, settings.SHOP_LIST_CACHE_SECONDS)
    if key:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(html)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


@require_GET
def product_list(request):
    return _catalogue(request, template="catalog/shop/product_list.html")


@require_GET
def store_detail(request, slug):
    try:
        store = selectors_shop.store_for_buyers(slug=slug)
    except Vendor.DoesNotExist:
        raise Http404 from None

    def page_context():
        rating, rating_count = selectors_shop.store_rating(vendor=store)
        return {"store": store, "rating": rating, "rating_count": rating_count}

    return _catalogue(request, template="catalog/shop/store_detail.html", vendor=store, page_context=page_context)


@require_GET
def product_detail(request, slug):
    try:
        product = selectors_shop.product_detail_for_buyers(slug=slug)
    except Product.DoesNotExist:
        raise Http404 from None
    mark_products(request.user, [product])
    reviews = Paginator(selectors_shop.product_reviews(product=product), REVIEWS_PAGE_SIZE).get_page(
        request.GET.get("reviews"))
    for review in reviews:
        # the first name only: a review page is public, the buyer's full name and e-mail are not
        review.author = review.buyer.full_name.split()[0] if review.buyer.full_name.strip() else _("A buyer")
    return render(request, "catalog/shop/product_detail.html", {"product": product, "reviews": reviews})
