"""Admin changelists cost the same number of queries whatever the page size (no N+1)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.vendors.models import Vendor, VendorMembership
from tests.factories import UserFactory, VendorFactory

ROWS = 110


@pytest.fixture
def many_rows(db):
    """ROWS vendors, each with a member who has two roles: every related column has data."""
    users = UserFactory.create_batch(ROWS)
    vendors = VendorFactory.create_batch(ROWS)
    groups = Group.objects.filter(name__in=[Role.SELLER, Role.SUPPORT])
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users for group in groups]
    )
    VendorMembership.objects.bulk_create(
        [VendorMembership(vendor=vendor, user=user) for vendor, user in zip(vendors, users, strict=True)]
    )


def _changelist_queries(client, monkeypatch, model, url, per_page) -> int:
    monkeypatch.setattr(admin.site._registry[model], "list_per_page", per_page)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == per_page
    return len(queries)


@pytest.mark.parametrize(
    ("model", "url"),
    [(User, "/admin/accounts/user/"), (Vendor, "/admin/vendors/vendor/")],
    ids=["users", "vendors"],
)
def test_changelist_queries_do_not_grow_with_page_size(client, monkeypatch, administrator, many_rows, model, url):
    # given an administrator and more than 100 rows
    client.force_login(administrator)
    client.get(url)  # fills process-wide caches (content types) so both measured requests start equal

    # when the same changelist shows 10 rows, then 100
    at_10 = _changelist_queries(client, monkeypatch, model, url, per_page=10)
    at_100 = _changelist_queries(client, monkeypatch, model, url, per_page=100)

    # then
    assert at_100 == at_10
