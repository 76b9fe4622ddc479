import pytest
from django.contrib.auth.models import Permission

from apps.promotions.models import PromoCode, PromoRedemption
from tests.factories import PromoCodeFactory, ServiceCategoryFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/promotions/promocode/"


@pytest.fixture
def seller(seller_a):
    # what the Seller role grants (apps/accounts/roles.py); given here so the test does not depend on it
    seller_a.user_permissions.add(*Permission.objects.filter(content_type__app_label="promotions",
                                                             codename__endswith="_promocode"))
    return seller_a


def form_data(**overrides):
    data = {"code": "rentree-15", "kind": "percent", "percent_off": "15", "amount_off_0": "", "amount_off_1": "GNF",
            "min_order_0": "", "min_order_1": "GNF", "valid_from_0": "2026-01-01", "valid_from_1": "00:00:00",
            "valid_until_0": "", "valid_until_1": "", "max_uses": "100", "max_uses_per_customer": "1",
            "is_active": "on", "category": "", "vendor": "",
            "redemptions-TOTAL_FORMS": "0", "redemptions-INITIAL_FORMS": "0"}
    return {**data, **overrides}


def test_seller_creates_a_code_for_their_own_vendor(client, seller, vendor_a):
    client.force_login(seller)
    response = client.post(f"{URL}add/", form_data(vendor=vendor_a.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    promo = PromoCode.objects.get()
    assert (promo.code, promo.vendor, promo.percent_off, promo.amount_off) == ("RENTREE-15", vendor_a, 15, None)


def test_seller_cannot_make_a_platform_code_or_one_for_another_vendor(client, seller, vendor_a, vendor_b):
    client.force_login(seller)
    response = client.post(f"{URL}add/", form_data(vendor=""))
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post(f"{URL}add/", form_data(vendor=vendor_b.pk))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert PromoCode.objects.count() == 0


def test_platform_staff_make_platform_codes(client, administrator):
    client.force_login(administrator)
    # the percentage left in its box from a change of mind is dropped with the kind
    response = client.post(f"{URL}add/", form_data(kind="fixed", percent_off="15", amount_off_0="5000"))
    assert response.status_code == 302, response.content.decode()[:3000]
    promo = PromoCode.objects.get()
    assert promo.vendor is None and promo.percent_off is None and promo.amount_off.amount == 5000


@pytest.mark.parametrize("overrides, message", [
    ({"percent_off": ""}, "Give the percentage taken off, from 0 to 100."),
    ({"percent_off": "150"}, "Ensure this value is less than or equal to 100."),
    ({"kind": "fixed", "percent_off": ""}, "Give the amount taken off."),
    ({"code": "a b"}, "Use 3 to 40 letters, digits, dashes or underscores"),
    ({"valid_until_0": "2025-12-31", "valid_until_1": "00:00:00"}, "The end of validity must come after its start."),
    ({"max_uses": "-1"}, "Ensure this value is greater than or equal to 0."),
])
def test_bad_input_is_answered_next_to_the_field_and_writes_nothing(client, administrator, overrides, message):
    client.force_login(administrator)
    response = client.post(f"{URL}add/", form_data(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert PromoCode.objects.count() == 0


def test_codes_are_unique_whatever_the_case(client, administrator):
    PromoCodeFactory(code="RENTREE-15")
    client.force_login(administrator)
    response = client.post(f"{URL}add/", form_data(code="Rentree-15"))
    assert response.status_code == 200 and "This code cannot be used: choose another one." in response.content.decode()
    assert PromoCode.objects.count() == 1


def test_seller_list_hides_platform_codes_and_other_vendors_codes(client, seller, vendor_a, vendor_b):
    mine = PromoCodeFactory(code="ALPHA-5", vendor=vendor_a, max_uses=3, uses_count=1)
    PromoCodeFactory(code="BRAVO-5", vendor=vendor_b)
    platform = PromoCodeFactory(code="PLATFORM-5")
    client.force_login(seller)
    response = client.get(URL)
    listed = {promo.code for promo in response.context["cl"].result_list}
    assert listed == {"ALPHA-5"}
    assert "1 / 3" in response.content.decode()
    assert client.get(f"{URL}{platform.pk}/change/").status_code == 404
    assert client.get(f"{URL}{mine.pk}/change/").status_code == 200


def test_list_shows_validity_and_filters_by_it(client, administrator):
    PromoCodeFactory(code="LIVE")
    PromoCodeFactory(code="GONE", max_uses=1, uses_count=1)
    client.force_login(administrator)
    body = client.get(URL).content.decode()
    assert "Active" in body and "Used up" in body
    listed = {p.code for p in client.get(f"{URL}?validity=used_up").context["cl"].result_list}
    assert listed == {"GONE"}


def test_redemptions_are_shown_read_only(client, administrator):
    promo = PromoCodeFactory(code="TEN", uses_count=1)
    PromoRedemption.objects.create(promo=promo, customer=UserFactory(), reference="CHK-2026-ABCDEF")
    client.force_login(administrator)
    body = client.get(f"{URL}{promo.pk}/change/").content.decode()
    assert "CHK-2026-ABCDEF" in body and 'name="redemptions-0-reference"' not in body


def test_category_scope_is_saved(client, administrator):
    category = ServiceCategoryFactory(name="Phones", slug="phones")
    client.force_login(administrator)
    response = client.post(f"{URL}add/", form_data(category=category.pk))
    assert response.status_code == 302
    assert PromoCode.objects.get().category == category
