from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.catalog import selectors
from apps.catalog.forms import ServiceFilterForm
from apps.catalog.models import Service

PAGE_SIZE = 12


@require_GET
def service_list(request):
    """The catalogue page; an htmx request from its filters or pagination gets the results fragment only."""
    form = ServiceFilterForm(request.GET)
    services = selectors.service_list_for_customers(**form.filters())
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    # htmx restores a page missing from its history cache with a full request: that one needs the whole page
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    template = "catalog/partials/_service_list.html" if fragment else "catalog/service_list.html"
    response = render(request, template, {"form": form, "page": page, "fragment": fragment})
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


@require_GET
def service_detail(request, slug):
    try:
        service = selectors.service_detail(slug=slug)
    except Service.DoesNotExist:
        raise Http404 from None
    return render(request, "catalog/service_detail.html", {"service": service})
