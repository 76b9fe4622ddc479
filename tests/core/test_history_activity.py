"""The "Activity" admin page: what one person changed, across every history table."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.catalog import products
from apps.catalog.models import Product
from apps.core.history import ACTIVITY_PAGE_SIZE
from apps.vendors.models import Vendor
from tests.factories import ProductFactory, UserFactory

URL = reverse("admin-activity")


def _query(user, **extra):
    return {"user": user.pk, **extra}


def test_an_administrator_sees_what_a_person_changed_across_models(client, administrator, manager, vendor_a):
    # given a manager who changed a product then a vendor, and someone else's change
    product = ProductFactory(vendor=vendor_a, name="Kettle")
    products.product_update(product_id=product.pk, actor=manager, changes={"stock": 3, "name": "Kettle XL"})
    vendor_a.description, vendor_a._history_user = "New description", manager
    vendor_a.save()
    products.product_update(product_id=product.pk, actor=administrator, changes={"stock": 4})
    client.force_login(administrator)

    # when the administrator looks at the manager's last 7 days (the default range)
    response = client.get(URL, _query(manager))

    # then both changes are listed, newest first, with the fields they touched and a link to the history
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.model, row.kind) for row in rows] == [(Vendor, "~"), (Product, "~")]
    assert (rows[0].object_label, rows[0].changed_fields) == ("Alpha Store", ["Description"])
    product_row = rows[1]
    assert (product_row.object_label, product_row.changed_fields) == ("Kettle XL", ["Name", "Stock", "Moderation"])
    body = response.content.decode()
    assert reverse("admin:catalog_product_history", args=[product.pk]) in body
    assert all(row.record.history_user_id == manager.pk for row in rows)


def test_changes_outside_the_range_are_left_out(client, administrator, manager, vendor_a):
    product = ProductFactory(vendor=vendor_a)
    products.product_update(product_id=product.pk, actor=manager, changes={"stock": 3})
    product.history.filter(history_user=manager).update(history_date=timezone.now() - timedelta(days=8))
    client.force_login(administrator)

    default_week = client.get(URL, _query(manager))
    today = timezone.localdate()
    wider = client.get(URL, _query(manager, since=today - timedelta(days=10), until=today))

    assert default_week.context["rows"] == []
    assert "No change by this person in this period." in default_week.content.decode()
    assert len(wider.context["rows"]) == 1


def test_the_list_is_paginated(client, administrator, manager, vendor_a):
    product = ProductFactory(vendor=vendor_a)
    for stock in range(ACTIVITY_PAGE_SIZE + 5):
        products.product_update(product_id=product.pk, actor=manager, changes={"stock": stock + 100})
    client.force_login(administrator)

    first = client.get(URL, _query(manager))
    second = client.get(URL, _query(manager, page=2))

    assert len(first.context["rows"]) == ACTIVITY_PAGE_SIZE and first.context["has_next"]
    assert len(second.context["rows"]) == 5 and not second.context["has_next"]
    assert "page=2" in first.content.decode()


def _queries_for(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, _query(user)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(client, administrator, vendor_a):
    few, many = UserFactory(roles=[Role.MANAGER]), UserFactory(roles=[Role.MANAGER])
    for actor, count in ((few, 3), (many, 40)):
        for _ in range(count):
            product = ProductFactory(vendor=vendor_a)
            products.product_update(product_id=product.pk, actor=actor, changes={"stock": 1})
    client.force_login(administrator)
    client.get(URL, _query(few))  # warms process-wide caches (content types)

    assert _queries_for(client, many) == _queries_for(client, few)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.SUPPORT, Role.SELLER])
def test_people_without_the_activity_permission_are_refused(client, manager, role):
    client.force_login(UserFactory(roles=[role], is_staff=True))

    assert client.get(URL, _query(manager)).status_code == 403


def test_a_seller_given_the_permission_is_still_refused(client, seller_a, manager):
    from django.contrib.auth.models import Permission

    seller_a.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="view_activity"))
    client.force_login(seller_a)

    assert client.get(URL, _query(manager)).status_code == 403  # the page spans every vendor


def test_anonymous_visitors_are_sent_to_the_login(client, manager):
    response = client.get(URL, _query(manager))

    assert response.status_code == 302 and "login" in response["Location"]


def test_managers_open_it_from_the_sidebar(client, manager):
    client.force_login(manager)

    page = client.get(URL)

    assert page.status_code == 200
    assert "Pick a person to see what they changed." in page.content.decode()
    assert f'href="{URL}"' in client.get(reverse("admin:index")).content.decode()


def test_bad_dates_are_answered_next_to_the_field(client, administrator, manager):
    client.force_login(administrator)
    today = timezone.localdate()

    reversed_range = client.get(URL, _query(manager, since=today, until=today - timedelta(days=3)))
    too_long = client.get(URL, _query(manager, since=today - timedelta(days=800), until=today))
    not_a_date = client.get(URL, _query(manager, since="yesterday", until=today))

    assert "The end date comes before the start date." in reversed_range.content.decode()
    assert "Pick at most 366 days." in too_long.content.decode()
    assert not_a_date.status_code == 200 and not_a_date.context["form"].errors["since"]
    assert reversed_range.context["rows"] is None


def test_an_unknown_person_is_a_form_error(client, administrator):
    client.force_login(administrator)

    response = client.get(URL, {"user": 999_999})

    assert response.status_code == 200 and "Pick a person from the list." in response.content.decode()
