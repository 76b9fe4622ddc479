"""Admin exports stream what the changelist shows; big changelists do not count every row."""

import csv
import io

import openpyxl
import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from apps.core.exporting import csv_stream, export_csv, export_rows, values_paths
from apps.core.pagination import EstimatedCountPaginator
from apps.orders.models import Order
from apps.vendors.models import Vendor
from tests.factories import VendorFactory, order_for


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def _export(client, url: str, fmt: str = "0", fields=("reference", "status")):
    # the export form lists CSV first and XLSX second (settings.IMPORT_EXPORT_FORMATS)
    return client.post(url, {"format": fmt, "resource": "0", **{f"orderresource_{name}": "on" for name in fields}})


def test_csv_export_applies_the_changelist_filters_and_search(administrator, client, vendor_a):
    # given orders in several statuses
    kept = [order_for(vendor_a, status="confirmed") for _ in range(3)]
    order_for(vendor_a, status="placed")
    client.force_login(administrator)
    # when the administrator exports from the changelist filtered on "confirmed"
    response = _export(client, "/admin/orders/order/export/?status__exact=confirmed")
    # then the streamed file holds exactly the confirmed orders
    assert response.streaming
    assert sorted(row["reference"] for row in _csv(response)) == sorted(order.reference for order in kept)
    # and a search narrows it further
    response = _export(client, f"/admin/orders/order/export/?q={kept[0].reference}")
    assert [row["reference"] for row in _csv(response)] == [kept[0].reference]


def test_seller_export_holds_only_their_vendor_rows(seller_a, client, vendor_a, vendor_b):
    mine, theirs = order_for(vendor_a), order_for(vendor_b)
    client.force_login(seller_a)
    references = {row["reference"] for row in _csv(_export(client, "/admin/orders/order/export/"))}
    assert mine.reference in references and theirs.reference not in references


def test_xlsx_export_is_a_workbook_with_neutralised_cells(administrator, client):
    VendorFactory(name="=cmd|' /C calc'!A0", slug="evil")
    client.force_login(administrator)
    response = client.post("/admin/vendors/vendor/export/", {"format": "1", "resource": "0",
                                                              "vendorresource_name": "on"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in names


def _resource(model, user):
    request = RequestFactory().get("/")
    request.user = user
    model_admin = admin.site._registry[model]
    return model_admin.get_export_resource_classes(request)[0](**model_admin.get_export_resource_kwargs(request))


@pytest.mark.parametrize("model", [Order, Vendor])
def test_fast_export_renders_the_rows_exactly_as_the_library(model, administrator, vendor_a):
    # given a few rows, one with a formula-leading text cell
    for status in ("placed", "delivered"):
        order_for(vendor_a, status=status, cancel_reason="=1+1")
    VendorFactory(name="@SUM(1)", slug="at-sum")
    resource = _resource(model, administrator)
    queryset = model.objects.order_by("pk")
    # the fast path applies to these resources (plain columns only)
    assert values_paths(resource) is not None
    # when exported by the streamed path (COPY on PostgreSQL) and by the library's own per-object path
    library = resource.export(queryset=queryset)
    # then the CSV files hold the same cells
    streamed = b"".join(export_csv(resource, queryset)).decode()
    assert list(csv.reader(io.StringIO(streamed))) == list(csv.reader(io.StringIO(library.csv)))


def test_export_queries_do_not_grow_with_rows(administrator, vendor_a):
    resource = _resource(Order, administrator)
    order_for(vendor_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for _ in csv_stream(*export_rows(resource, Order.objects.all())):
                pass
        return len(captured.captured_queries)

    few = queries()
    for _ in range(20):
        order_for(vendor_a)
    assert queries() == few


@pytest.mark.parametrize("url", ["/admin/orders/order/", "/admin/servicedesk/servicerequest/",
                                 "/admin/payments/payment/"])
def test_big_table_changelists_run_the_same_queries_at_10_and_100_rows(url, administrator, client, vendor_a):
    from tests.factories import service_request_for

    for _ in range(12):
        order_for(vendor_a)
        service_request_for(vendor_a)
    client.force_login(administrator)

    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    model_admin = next(model_admin for model, model_admin in admin.site._registry.items()
                       if url == f"/admin/{model._meta.app_label}/{model._meta.model_name}/")
    saved = model_admin.list_per_page
    try:
        model_admin.list_per_page = 5
        few = queries(5)
        model_admin.list_per_page = 100
        many = queries(100)
    finally:
        model_admin.list_per_page = saved
    assert few == many


def test_paginator_counts_exactly_off_postgresql(vendor_a):
    for _ in range(3):
        order_for(vendor_a)
    assert EstimatedCountPaginator(Order.objects.all(), 2).count == 3


@pytest.mark.postgres
@pytest.mark.django_db
@override_settings(ADMIN_EXACT_COUNT_LIMIT=5)
def test_paginator_stops_counting_past_the_limit_on_postgresql(vendor_a):
    for _ in range(8):
        order_for(vendor_a)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    # small tables are counted exactly; past the limit the planner's estimate (at least limit + 1) is shown
    assert EstimatedCountPaginator(Order.objects.filter(pk__lt=0), 2).count == 0
    assert EstimatedCountPaginator(Order.objects.all(), 2).count >= 6
