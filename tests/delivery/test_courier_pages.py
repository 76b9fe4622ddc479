"""The couriers' phone pages: who may open them, what they show, and the buyer's rating form."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from apps.delivery import services
from apps.delivery.models import CourierEarning, CourierProfile, CourierRating, Delivery
from apps.geo.models import Neighbourhood
from apps.orders.models import Order
from tests.factories import CourierFactory, DeliveryFactory, UserFactory, VendorFactory, home_order_for

pytestmark = pytest.mark.django_db

COURIER_PAGES = ["/courier/", "/courier/profile/", "/courier/jobs/", "/courier/deliveries/", "/courier/earnings/",
                 "/courier/ratings/"]


def _place(code):
    return Neighbourhood.objects.get(code=code)


@pytest.fixture
def courier(db):
    return CourierFactory(user__full_name="Ousmane Keita", neighbourhood=_place("gn-conakry-ratoma-kipe")).user


@pytest.fixture
def store(db):
    return VendorFactory(name="Kaloum Store", pickup_neighbourhood=_place("gn-conakry-kaloum-almamya"),
                         address="Avenue de la République", contact_phone="+224 620 00 00 01")


@pytest.fixture
def seller(store):
    from tests.factories import MembershipFactory

    return MembershipFactory(vendor=store).user


def _job(store, seller, **order_fields):
    order = home_order_for(store, **order_fields)
    return services.delivery_choose_mode(order_id=order.pk, mode="marketplace", actor=seller)


def _accepted(store, seller, courier, **order_fields):
    job = _job(store, seller, **order_fields)
    return services.delivery_accept(delivery_id=job.pk, courier=courier)


# --- access


@pytest.mark.parametrize("url", COURIER_PAGES)
def test_people_who_are_not_couriers_get_403(client, url, seller):
    for person in (UserFactory(), seller):
        client.force_login(person)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", COURIER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_actions_are_refused_to_non_couriers(client, store, seller):
    job = _job(store, seller)
    client.force_login(UserFactory())
    assert client.post(f"/courier/jobs/{job.pk}/accept/").status_code == 403
    assert client.post(f"/courier/deliveries/{job.pk}/picked-up/").status_code == 403
    assert Delivery.objects.get().status == "open"


# --- profile


def test_the_profile_is_created_on_the_first_visit(client):
    user = UserFactory(roles=["Courier"], phone="+224 622 12 34 56")
    client.force_login(user)
    assert client.get("/courier/").url == "/courier/jobs/"  # the phone came from the account
    profile = CourierProfile.objects.get(user=user)
    assert (profile.phone, profile.availability) == ("+224 622 12 34 56", "offline")


def test_a_courier_without_phone_is_sent_to_the_profile_first(client):
    client.force_login(UserFactory(roles=["Courier"]))
    assert client.get("/courier/").url == "/courier/profile/"


def test_the_courier_saves_their_profile(client, courier):
    client.force_login(courier)
    response = client.post("/courier/profile/", {
        "availability": "busy", "vehicle": "bicycle", "phone": "+224 628 00 00 00",
        "neighbourhood": _place("gn-conakry-kaloum-tombo").pk, "latitude": "", "longitude": ""})
    assert response.status_code == 302
    profile = CourierProfile.objects.get(user=courier)
    assert (profile.availability, profile.vehicle, profile.phone, profile.neighbourhood.name) == (
        "busy", "bicycle", "+224 628 00 00 00", "Tombo")


def test_a_half_given_position_or_no_phone_is_explained_next_to_the_field(client, courier):
    client.force_login(courier)
    response = client.post("/courier/profile/", {"availability": "available", "vehicle": "car", "phone": "",
                                                 "latitude": "9.6", "longitude": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give a phone number" in body and "Give both the latitude and the longitude" in body
    assert CourierProfile.objects.get(user=courier).vehicle == "motorbike"


# --- open jobs


def test_jobs_are_listed_nearest_first_with_km_and_commission_and_no_buyer_details(client, courier, store, seller):
    # given a far job (store in Kaloum) and a near one (store in Ratoma) for a courier based in Kipé (Ratoma)
    far = _job(store, seller)
    near_store = VendorFactory(name="Ratoma Store", pickup_neighbourhood=_place("gn-conakry-ratoma-taouyah"))
    near = _job(near_store, seller, neighbourhood="gn-conakry-kaloum-tombo")
    client.force_login(courier)
    # when
    response = client.get("/courier/jobs/")
    # then
    body = response.content.decode()
    assert body.index(f'id="job-{near.pk}"') < body.index(f'id="job-{far.pk}"')
    assert "Kaloum → Ratoma" in body and "Ratoma → Kaloum" in body
    jobs = {job.pk: job for job in response.context["page"].object_list}
    assert jobs[near.pk].km_from_base < Decimal("2") < Decimal("10") < jobs[far.pk].km_from_base
    assert f"{far.distance_km} km" in body
    order = far.order
    for secret in (order.buyer.full_name, order.recipient_phone, "Rue RA-140", order.buyer.email):
        assert secret not in body


def test_the_list_refreshes_itself_as_a_fragment_while_available(client, courier, store, seller):
    _job(store, seller)
    client.force_login(courier)
    page = client.get("/courier/jobs/").content.decode()
    assert 'hx-trigger="every 10s"' in page and 'aria-live="polite"' in page
    fragment = client.get("/courier/jobs/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode() and "Accept this job" in fragment.content.decode()


def test_polling_stops_once_the_courier_is_no_longer_available(client, courier, store, seller):
    CourierProfile.objects.filter(user=courier).update(availability="offline")
    client.force_login(courier)
    assert 'hx-trigger="every 10s"' not in client.get("/courier/jobs/").content.decode()
    assert client.get("/courier/jobs/", HTTP_HX_REQUEST="true").status_code == 286  # htmx: stop polling


def test_an_empty_list_says_so(client, courier):
    client.force_login(courier)
    assert "No open jobs right now." in client.get("/courier/jobs/").content.decode()


def test_the_list_is_paginated(client, courier, store, seller):
    for _ in range(21):
        DeliveryFactory(vendor=store)
    client.force_login(courier)
    first, second = client.get("/courier/jobs/"), client.get("/courier/jobs/?page=2")
    assert len(first.context["page"].object_list) == 20 and len(second.context["page"].object_list) == 1
    assert "Page 1 of 2" in first.content.decode()


def test_accepting_a_job_and_a_second_courier_being_too_late(client, courier, store, seller):
    job = _job(store, seller)
    client.force_login(courier)
    response = client.post(f"/courier/jobs/{job.pk}/accept/", follow=True)
    assert response.redirect_chain[-1][0] == "/courier/deliveries/"
    assert "The job is yours" in response.content.decode()
    # a second courier presses Accept on a page loaded earlier
    client.force_login(CourierFactory().user)
    late = client.post(f"/courier/jobs/{job.pk}/accept/", follow=True)
    assert late.redirect_chain[-1][0] == "/courier/jobs/"
    assert "another courier has already taken this job" in late.content.decode()
    assert f'id="job-{job.pk}"' not in late.content.decode()
    assert Delivery.objects.get().deliverer == courier


def test_accepting_an_unknown_job_is_404(client, courier):
    client.force_login(courier)
    assert client.post("/courier/jobs/999999/accept/").status_code == 404


# --- my deliveries


def test_my_deliveries_show_addresses_recipient_and_map_links(client, courier, store, seller):
    delivery = _accepted(store, seller, courier)
    order = delivery.order
    client.force_login(courier)
    body = client.get("/courier/deliveries/").content.decode()
    assert order.recipient_name in body and order.recipient_phone in body and "Rue KA-020" in body
    assert "Avenue de la République" in body and "+224 620 00 00 01" in body
    kipe = _place("gn-conakry-ratoma-kipe")
    assert (f"https://www.openstreetmap.org/?mlat={kipe.latitude}&amp;mlon={kipe.longitude}"
            f"#map=17/{kipe.latitude}/{kipe.longitude}") in body
    assert "I have picked it up" in body
    assert "Collect" in body  # cash on delivery: the amount to collect at the door


def test_picked_up_sends_the_order_out(client, courier, store, seller):
    delivery = _accepted(store, seller, courier)
    client.force_login(courier)
    response = client.post(f"/courier/deliveries/{delivery.pk}/picked-up/", follow=True)
    assert "is on its way" in response.content.decode()
    assert Order.objects.get().status == "out_for_delivery"
    assert Delivery.objects.get().status == "picked_up"


def test_picking_up_an_order_not_yet_packed_says_why(client, courier, store, seller):
    delivery = _accepted(store, seller, courier, status="confirmed")
    client.force_login(courier)
    response = client.post(f"/courier/deliveries/{delivery.pk}/picked-up/", follow=True)
    assert "not packed yet" in response.content.decode()
    assert Order.objects.get().status == "confirmed"


def test_a_courier_sees_and_touches_only_their_own_deliveries(client, courier, store, seller):
    mine = _accepted(store, seller, courier)
    other_courier = CourierFactory().user
    theirs = _accepted(store, seller, other_courier)
    client.force_login(courier)
    body = client.get("/courier/deliveries/").content.decode()
    assert f'id="delivery-{mine.pk}"' in body and f'id="delivery-{theirs.pk}"' not in body
    assert theirs.order.reference not in body
    assert client.post(f"/courier/deliveries/{theirs.pk}/picked-up/").status_code == 404
    assert Delivery.objects.get(pk=theirs.pk).status == "assigned"


def test_nothing_under_way_says_so(client, courier):
    client.force_login(courier)
    assert "No delivery under way." in client.get("/courier/deliveries/").content.decode()


# --- earnings and ratings


def _earning(courier, amount, store):
    delivery = DeliveryFactory(vendor=store, status="delivered", deliverer=courier)
    return CourierEarning.objects.create(courier=courier, delivery=delivery, amount=Money(amount, "GNF"),
                                         note=delivery.order.reference)


def test_earnings_list_only_mine_with_the_total(client, courier, store):
    _earning(courier, 1500, store)
    _earning(courier, 2500, store)
    other = _earning(CourierFactory().user, 9999, store)
    client.force_login(courier)
    response = client.get("/courier/earnings/")
    body = response.content.decode()
    assert response.context["total"] == Money(4000, "GNF")
    assert "4,000" in body and other.note not in body and "9,999" not in body


def test_earnings_page_by_htmx_as_a_fragment(client, courier, store):
    for _ in range(21):
        _earning(courier, 100, store)
    client.force_login(courier)
    fragment = client.get("/courier/earnings/?page=2", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and body.count("<tr>") == 2  # the header row and the 21st line
    assert "Page 2 of 2" in body


def test_ratings_show_my_average(client, courier, store):
    for stars in (5, 4):
        delivery = DeliveryFactory(vendor=store, status="delivered", deliverer=courier)
        CourierRating.objects.create(delivery=delivery, courier=courier, buyer=delivery.order.buyer, stars=stars,
                                     comment=f"{stars} stars, thanks")
    client.force_login(courier)
    body = client.get("/courier/ratings/").content.decode()
    assert "4.5 out of 5, from 2 ratings" in body and "5 stars, thanks" in body


# --- the buyer rates the courier


@pytest.fixture
def delivered(store, seller, courier):
    delivery = _accepted(store, seller, courier)
    services.delivery_mark_picked_up(delivery_id=delivery.pk, actor=courier)
    Order.objects.filter(pk=delivery.order_id).update(status="delivered")
    return services.delivery_mark_delivered(delivery_id=delivery.pk, actor=courier)


def test_the_buyer_rates_the_courier_from_the_order_page(client, delivered, courier):
    buyer, reference = delivered.order.buyer, delivered.order.reference
    client.force_login(buyer)
    page = client.get(f"/account/orders/{reference}/").content.decode()
    assert f'action="/courier-ratings/{reference}/"' in page and "Ousmane Keita delivered this order" in page
    response = client.post(f"/courier-ratings/{reference}/", {"stars": "5", "comment": "Fast and polite"}, follow=True)
    assert "your rating was sent" in response.content.decode()
    assert "You gave Ousmane Keita 5 out of 5" in response.content.decode()
    assert CourierRating.objects.get().comment == "Fast and polite"
    # only once
    again = client.post(f"/courier-ratings/{reference}/", {"stars": "1"}, follow=True)
    assert "already rated" in again.content.decode()
    assert CourierRating.objects.get().stars == 5


def test_a_rating_without_stars_is_explained_next_to_the_field(client, delivered):
    client.force_login(delivered.order.buyer)
    response = client.post(f"/courier-ratings/{delivered.order.reference}/", {"stars": "9"})
    assert response.status_code == 400
    assert "Choose between 1 and 5 stars." in response.content.decode()
    assert not CourierRating.objects.exists()


def test_someone_elses_order_cannot_be_rated(client, delivered, courier):
    for person in (UserFactory(), courier):
        client.force_login(person)
        assert client.post(f"/courier-ratings/{delivered.order.reference}/", {"stars": "1"}).status_code == 404
    assert not CourierRating.objects.exists()


def test_no_rating_form_before_delivery(client, store, seller, courier):
    delivery = _accepted(store, seller, courier)
    client.force_login(delivery.order.buyer)
    assert "/courier-ratings/" not in client.get(f"/account/orders/{delivery.order.reference}/").content.decode()
    response = client.post(f"/courier-ratings/{delivery.order.reference}/", {"stars": "5"}, follow=True)
    assert "There is no delivery to rate" in response.content.decode()
    assert not CourierRating.objects.exists()


def test_the_header_links_couriers_to_their_pages(client, courier):
    client.force_login(courier)
    assert 'href="/courier/"' in client.get("/").content.decode()
    client.force_login(UserFactory())
    assert 'href="/courier/"' not in client.get("/").content.decode()


def test_a_courier_page_asks_about_the_courier_role_once(client, courier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(courier)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/courier/jobs/")
    assert 'href="/courier/"' in page.content.decode()  # the header's link: the guard's answer, reused
    assert sum('"auth_group"' in query["sql"] for query in queries.captured_queries) == 1
