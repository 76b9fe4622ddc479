import pytest
from django.urls import reverse

from apps.geo.forms import AddressBookForm, AddressForm

VALID = {"label": "Home", "full_name": "Mariam Sylla", "phone": "+224 620 11 22 33", "street": "Rue KA-020",
         "landmark": ""}


def _data(conakry, **fields):
    return {**VALID, "region": conakry.region_id, "prefecture": conakry.pk, **fields}


def test_a_neighbourhood_outside_the_prefecture_is_refused(conakry, kindia, kipe):
    form = AddressBookForm(_data(kindia, neighbourhood=kipe.pk))
    assert not form.is_valid()
    assert form.errors["neighbourhood"] == ["This neighbourhood is not in the chosen prefecture."]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"latitude": "91", "longitude": "-13.7"}, "latitude", "A latitude lies between -90 and 90."),
    ({"latitude": "9.5", "longitude": "-181"}, "longitude", "A longitude lies between -180 and 180."),
    ({"latitude": "9.5"}, "longitude", "Give both the latitude and the longitude, or neither."),
    ({"latitude": "north", "longitude": "-13.7"}, "latitude", "Enter a number."),
])
def test_coordinates_out_of_range_or_half_given_are_refused(conakry, fields, field, message):
    form = AddressBookForm(_data(conakry, **fields))
    assert not form.is_valid()
    assert message in form.errors[field]


def test_junk_ids_are_answered_next_to_the_field(conakry):
    form = AddressBookForm(_data(conakry, neighbourhood="999999", region="abc"))
    assert not form.is_valid()
    assert set(form.errors) == {"neighbourhood", "region"}


def test_a_valid_address_with_neighbourhood_and_coordinates(conakry, kipe):
    form = AddressBookForm(_data(conakry, neighbourhood=kipe.pk, latitude="9.595", longitude="-13.653"))
    assert form.is_valid(), form.errors


def test_the_checkout_form_keeps_its_region_swap_and_neighbourhood_is_optional(conakry):
    # given the checkout's way of using it
    data = {f"address-{name}": value for name, value in _data(conakry).items()}
    form = AddressForm(data, prefix="address", prefectures_url="/checkout/")
    # then the region swaps the whole prefecture select, and no neighbourhood is needed
    assert 'hx-swap="outerHTML"' in str(form["region"])
    assert form.is_valid(), form.errors
    assert 'id="id_address-prefecture"' in form.prefecture_select()


def test_the_choices_narrow_to_the_chosen_parent_and_stay_grouped_otherwise(conakry, kipe):
    form = AddressBookForm(_data(conakry))
    shown = dict(form.fields["neighbourhood"].choices)
    assert set(shown) == {"", "Kaloum", "Dixinn", "Matam", "Ratoma", "Matoto"}
    assert (kipe.pk, "Kipé") in shown["Ratoma"]
    unbound = AddressBookForm()
    assert "Conakry · Ratoma" in dict(unbound.fields["neighbourhood"].choices)


def test_cascade_wires_region_to_prefecture_to_neighbourhood(db):
    form = AddressBookForm(cascade=True)
    assert f'hx-get="{reverse("geo:options", args=["prefecture"])}"' in str(form["region"])
    assert f'hx-get="{reverse("geo:options", args=["neighbourhood"])}"' in str(form["prefecture"])
    assert 'hx-trigger="htmx:afterSwap from:#id_prefecture"' in str(form["neighbourhood"])


def test_options_fragment_for_a_region(client, conakry, kindia):
    response = client.get(reverse("geo:options", args=["prefecture"]), {"parent": kindia.region_id})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<select" not in html and "<optgroup" not in html
    assert f'<option value="{kindia.pk}">Kindia</option>' in html
    assert "Conakry" not in html


def test_options_fragment_reads_the_prefixed_field_htmx_sends(client, conakry, kipe):
    response = client.get(reverse("geo:options", args=["neighbourhood"]), {"address-prefecture": conakry.pk},
                          headers={"HX-Request": "true"})
    html = response.content.decode()
    assert '<optgroup label="Ratoma">' in html
    assert f'<option value="{kipe.pk}">Kipé</option>' in html


def test_options_fragment_without_a_usable_parent_lists_everything_grouped(client, kindia):
    html = client.get(reverse("geo:options", args=["neighbourhood"]), {"parent": "junk"}).content.decode()
    assert '<optgroup label="Conakry · Kaloum">' in html
    # a prefecture without neighbourhoods leaves only the empty choice
    only_blank = client.get(reverse("geo:options", args=["neighbourhood"]), {"parent": kindia.pk}).content.decode()
    assert only_blank.count("<option") == 1


def test_options_of_an_unknown_level_is_404(client, db):
    assert client.get(reverse("geo:options", args=["country"])).status_code == 404
