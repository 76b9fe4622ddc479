"""The back office's sidebar has a Catalogue group for the people who may see the catalogue."""

import re

from django.urls import reverse

from apps.accounts.roles import Role
from tests.factories import UserFactory

CATALOGUE_LINKS = ["admin:catalog_servicecategory_changelist", "admin:catalog_service_changelist",
                   "admin:catalog_servicetier_changelist"]


def _sidebar_links(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return set(re.findall(r'href="([^"?#]+)', response.text))


def test_seller_and_administrator_see_the_catalogue_pages(client, seller_a, administrator):
    expected = {reverse(name) for name in CATALOGUE_LINKS}

    assert expected <= _sidebar_links(client, seller_a)
    assert expected <= _sidebar_links(client, administrator)


def test_support_staff_without_catalogue_permissions_do_not_see_the_group(client, db):
    support = UserFactory(email="support@example.com", roles=[Role.SUPPORT])

    links = _sidebar_links(client, support)

    assert not {reverse(name) for name in CATALOGUE_LINKS} & links
    assert reverse("admin:vendors_vendor_changelist") in links
