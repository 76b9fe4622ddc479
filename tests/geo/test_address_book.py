import pytest
from django.urls import reverse

from apps.geo.models import Address
from tests.factories import UserFactory, address_for


@pytest.fixture
def buyer(db):
    return UserFactory(full_name="Mariam Sylla", phone="+224 620 11 22 33")


@pytest.fixture
def other(db):
    return UserFactory(full_name="Ibrahima Bah")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def _post_data(prefecture, **fields):
    return {"label": "Office", "full_name": "Mariam Sylla", "phone": "+224 620 11 22 33", "region": prefecture.region_id,
            "prefecture": prefecture.pk, "street": "Avenue de la République", "landmark": "", **fields}


def test_the_address_book_needs_a_sign_in(client, db):
    response = client.get(reverse("geo:address-list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_adding_a_first_address_makes_it_the_default(buyer_client, buyer, conakry, kipe):
    response = buyer_client.post(reverse("geo:address-create"), _post_data(conakry, neighbourhood=kipe.pk))
    assert response.status_code == 302
    saved = Address.objects.get(user=buyer)
    assert (saved.neighbourhood, saved.is_default, saved.label) == (kipe, True, "Office")
    page = buyer_client.get(reverse("geo:address-list")).content.decode()
    assert "Kipé (Ratoma)" in page and "Default" in page


def test_the_new_address_form_is_prefilled_and_wired_for_htmx(buyer_client):
    page = buyer_client.get(reverse("geo:address-create")).content.decode()
    assert 'value="Mariam Sylla"' in page
    assert reverse("geo:options", args=["neighbourhood"]) in page


def test_a_bad_address_is_shown_again_with_messages_and_nothing_saved(buyer_client, buyer, kindia, kipe):
    response = buyer_client.post(reverse("geo:address-create"),
                                 _post_data(kindia, neighbourhood=kipe.pk, latitude="95", longitude="-13.7"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This neighbourhood is not in the chosen prefecture." in page
    assert "A latitude lies between -90 and 90." in page
    assert not Address.objects.filter(user=buyer).exists()


def test_editing_changes_only_that_address(buyer_client, buyer, conakry):
    address = address_for(buyer)
    response = buyer_client.post(reverse("geo:address-update", args=[address.pk]),
                                 _post_data(conakry, street="Rue KA-030", latitude="9.5125", longitude="-13.713"))
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.street, str(address.latitude), address.user) == ("Rue KA-030", "9.512500", buyer)


def test_someone_elses_address_is_404_everywhere(buyer_client, other, conakry):
    theirs = address_for(other, street="Secret street 7")
    for name in ("geo:address-update", "geo:address-delete"):
        assert buyer_client.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in ("geo:address-update", "geo:address-delete", "geo:address-default"):
        assert buyer_client.post(reverse(name, args=[theirs.pk]), _post_data(conakry)).status_code == 404
    assert "Secret street 7" not in buyer_client.get(reverse("geo:address-list")).content.decode()
    theirs.refresh_from_db()
    assert theirs.street == "Secret street 7" and theirs.user == other


def test_making_another_address_the_default(buyer_client, buyer):
    first, second = address_for(buyer, is_default=True), address_for(buyer, street="Second street")
    response = buyer_client.post(reverse("geo:address-default", args=[second.pk]))
    assert response.status_code == 302
    assert list(Address.objects.filter(user=buyer, is_default=True)) == [second]
    first.refresh_from_db()
    assert not first.is_default


def test_deleting_asks_first_then_hands_the_default_on(buyer_client, buyer):
    older, default = address_for(buyer, street="Older street"), address_for(buyer, is_default=True)
    confirm = buyer_client.get(reverse("geo:address-delete", args=[default.pk]))
    assert confirm.status_code == 200 and "Delete this address?" in confirm.content.decode()
    assert Address.objects.filter(pk=default.pk).exists()
    assert buyer_client.post(reverse("geo:address-delete", args=[default.pk])).status_code == 302
    assert not Address.objects.filter(pk=default.pk).exists()
    older.refresh_from_db()
    assert older.is_default


def test_set_default_refuses_get(buyer_client, buyer):
    address = address_for(buyer)
    assert buyer_client.get(reverse("geo:address-default", args=[address.pk])).status_code == 405
