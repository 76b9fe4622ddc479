"""Products buyers may not see (pending, rejected) leak neither their name nor their pictures' paths, and the
admin's "view on site" shortcut leads nowhere for another vendor's object."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.catalog.models import Product
from apps.orders.models import Favorite
from tests.factories import ProductFactory, ProductImageFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def buyer(db):
    return UserFactory(email="buyer@example.com")


@pytest.mark.parametrize("status", [Product.Moderation.PENDING, Product.Moderation.REJECTED])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_favoriting_a_hidden_product_is_404_without_its_name(client, buyer, status, headers):
    hidden = ProductFactory(name="Secret prototype", moderation_status=status)
    client.force_login(buyer)
    response = client.post(reverse("orders:favorite-toggle", args=[hidden.pk]), {"favorite": "1"}, follow=True,
                           **headers)
    assert response.status_code == 404
    assert "Secret prototype" not in response.content.decode()
    assert not Favorite.objects.exists()


def test_a_kept_favorite_that_was_hidden_can_still_be_removed(client, buyer):
    product = ProductFactory(name="Lamp")
    Favorite.objects.create(user=buyer, product=product)
    Product.objects.filter(pk=product.pk).update(moderation_status=Product.Moderation.PENDING)
    client.force_login(buyer)
    response = client.post(reverse("orders:favorite-toggle", args=[product.pk]), {"favorite": "0"})
    assert response.status_code == 302
    assert not Favorite.objects.exists()


def _view_on_site(obj):
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


def test_view_on_site_for_another_vendors_product_is_404(client, seller_a, vendor_a, vendor_b):
    theirs = ProductFactory(vendor=vendor_b, slug="bravo-unreleased", moderation_status=Product.Moderation.PENDING)
    client.force_login(seller_a)
    response = client.get(_view_on_site(theirs))
    assert response.status_code == 404
    assert "bravo-unreleased" not in response.get("Location", "") + response.content.decode()


def test_view_on_site_still_leads_a_seller_to_its_own_product(client, seller_a, vendor_a):
    mine = ProductFactory(vendor=vendor_a, slug="alpha-lamp")
    client.force_login(seller_a)
    response = client.get(_view_on_site(mine))
    assert response.status_code == 302 and "alpha-lamp" in response["Location"]


@pytest.mark.parametrize("url", ["/admin/r/999999/1/", "/admin/r/1/not-a-number/"])
def test_view_on_site_of_nothing_is_404(client, seller_a, url):
    client.force_login(seller_a)
    assert client.get(url).status_code == 404


def test_product_pictures_get_a_random_name(db):
    image = ProductImageFactory(product=ProductFactory(moderation_status=Product.Moderation.PENDING),
                                image__filename="prototype-front.png")
    assert "prototype-front" not in image.image.name
    assert image.image.name.startswith(f"products/{image.product.vendor_id}/{image.product_id}/")


def test_a_picture_never_keeps_a_client_chosen_extension(db):
    # a real PNG uploaded as catalogue.html is stored as what its bytes are
    image = ProductImageFactory(product=ProductFactory(), image__filename="catalogue.html")
    assert image.image.name.endswith(".png") and "catalogue" not in image.image.name