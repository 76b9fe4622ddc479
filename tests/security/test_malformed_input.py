"""Malformed input never makes the server answer 5xx: each request below once did (issue 20, finding 7)."""

import pytest
from django.contrib import admin
from django.test import Client

from apps.analytics.registry import REPORTS

from tests.factories import ProductFactory, UserFactory

HUGE = "9" * 30
PATH = "../../../etc/passwd"


@pytest.fixture
def product(vendor_a):
    return ProductFactory(vendor=vendor_a, slug="alpha-lamp")


def _product_form(product, **overrides):
    return {"vendor": product.vendor_id, "category": product.category_id, "name": product.name, "slug": product.slug,
            "description": "", "price_0": "50000", "price_1": "GNF", "stock": "3", "is_active": "on",
            "attributes": "{}", "low_stock_threshold": "0", "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
            **overrides}


def _models_without_history():
    return [model for model, model_admin in admin.site._registry.items()
            if hasattr(model_admin, "history_form_view") and not hasattr(model, "history")]


# (who, method, url, data): url and data may name {product} and {product_id}
REQUESTS = [
    # exports filtered by a field the model does not have
    ("administrator", "get", "/admin/notifications/emaillog/export/?vendor__id__exact=1", None),
    ("administrator", "post", "/admin/notifications/emaillog/export/?vendor__id__exact=1",
     {"format": "0", "resource": "0"}),
    ("administrator", "get", "/admin/catalog/servicecategory/export/?vendor__id__exact=1&nope=1", None),
    # non-numeric and huge ids
    ("administrator", "get", "/admin/catalog/product/abc/change/", None),
    ("administrator", "get", f"/admin/catalog/product/{HUGE}/change/", None),
    ("administrator", "post", f"/admin/catalog/product/{HUGE}/change/", {"name": "x"}),
    ("seller_a", "post", "/admin/catalog/product/{product_id}/change/", "huge_category"),
    ("administrator", "get", f"/admin/activity/?user={HUGE}", None),
    ("administrator", "get", "/admin/activity/?user=abc", None),
    ("administrator", "get", "/admin/activity/?user={admin_id}&page=" + HUGE, None),
    # next= that is not a path
    ("anonymous", "post", "/cart/add/{product_id}/", {"quantity": "1", "next": "orders"}),
    ("anonymous", "post", "/cart/add/{product_id}/", {"quantity": "1", "next": "not a url"}),
    # out-of-range dates
    ("administrator", "get", "/admin/activity/?user={admin_id}&since=0001-01-01&until=0001-01-01", None),
    ("administrator", "get", "/admin/activity/?user={admin_id}&since=9999-12-31&until=9999-12-31", None),
    # history pages of objects that do not exist, or with a negative version
    ("administrator", "get", "/admin/catalog/product/-1/history/", None),
    ("administrator", "get", "/admin/catalog/product/{product_id}/history/-1/", None),
    ("administrator", "get", f"/admin/catalog/product/{{product_id}}/history/{HUGE}/", None),
    # invalid JSON in a JSON field
    ("seller_a", "post", "/admin/catalog/product/{product_id}/change/", "bad_attributes"),
    ("administrator", "post", "/admin/catalog/product/add/", "bad_attributes"),
    # a path where the import step expects the name of its temporary file
    ("administrator", "post", "/admin/catalog/product/process_import/",
     {"import_file_name": PATH, "original_file_name": "x.csv", "format": "0", "resource": "0"}),
    ("seller_a", "post", "/admin/catalog/product/process_import/",
     {"import_file_name": PATH, "original_file_name": "x.csv", "format": "0", "resource": "0"}),
    # non-ASCII and huge digits in the address form's option endpoints
    ("anonymous", "get", "/geo/options/prefecture/?parent=²", None),
    ("anonymous", "get", "/geo/options/prefecture/?parent=١٢٣", None),
    ("anonymous", "get", f"/geo/options/neighbourhood/?parent={HUGE}", None),
    ("anonymous", "get", "/geo/options/neighbourhood/?address-prefecture=%EF%BC%91", None),
]


def _fill(value, product, admin_user):
    return value.format(product_id=product.pk, admin_id=admin_user.pk) if isinstance(value, str) else value


@pytest.mark.parametrize(("who", "method", "url", "data"), REQUESTS, ids=[f"{r[1]} {r[2]}" for r in REQUESTS])
def test_malformed_input_is_never_a_server_error(who, method, url, data, product, seller_a, administrator):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login({"seller_a": seller_a, "administrator": administrator}[who])
    if data == "huge_category":
        data = _product_form(product, category=HUGE)
    elif data == "bad_attributes":
        data = _product_form(product, attributes='{"size": "M"', slug="alpha-lamp-2")
    response = getattr(client, method)(_fill(url, product, administrator), data)
    assert response.status_code < 500


@pytest.mark.parametrize("slug", sorted(REPORTS))
@pytest.mark.parametrize("dates", ["date_from=0001-01-01&date_to=0001-01-02", "date_from=9999-12-30&date_to=9999-12-31",
                                   "date_from=0001-01-01", "date_to=9999-12-31"])
def test_reports_with_out_of_range_dates_answer_with_a_form_error(slug, dates, administrator):
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    for url in (f"/admin/reports/{slug}/?{dates}", f"/admin/reports/{slug}/csv/?{dates}"):
        assert client.get(url).status_code < 500, url


@pytest.mark.parametrize("model", _models_without_history(), ids=lambda model: model._meta.label)
def test_the_history_page_of_a_model_without_history_is_never_a_server_error(model, administrator):
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    opts = model._meta
    for url in (f"/admin/{opts.app_label}/{opts.model_name}/1/history/",
                f"/admin/{opts.app_label}/{opts.model_name}/1/history/1/"):
        assert client.get(url).status_code < 500, url


def test_the_list_of_models_without_history_is_not_empty():
    # the parametrised test above would pass on an empty list
    assert _models_without_history()


def test_a_staff_member_is_answered_too(db):
    # a back-office account without any permission gets a refusal, not an error
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/admin/catalog/product/{HUGE}/change/").status_code < 500
