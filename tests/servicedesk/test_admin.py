import pytest

from apps.accounts.roles import Role
from apps.servicedesk.models import ServiceRequest
from tests.factories import UserFactory, service_request_for

Status = ServiceRequest.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_providers(db):
    return (UserFactory(email="p1@example.com", full_name="Provider One", roles=[Role.SUPPORT]),
            UserFactory(email="p2@example.com", full_name="Provider Two", roles=[Role.SUPPORT]))


def test_a_provider_sees_only_requests_assigned_to_them(client, vendor_a, vendor_b, two_providers):
    mine_provider, other_provider = two_providers
    mine = service_request_for(vendor_a, provider=mine_provider, status=Status.TEAM_ASSIGNED)
    theirs = service_request_for(vendor_b, provider=other_provider, status=Status.TEAM_ASSIGNED)
    client.force_login(mine_provider)
    listing = client.get("/admin/servicedesk/servicerequest/").content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    for view in ("change", "history"):
        response = client.get(f"/admin/servicedesk/servicerequest/{theirs.pk}/{view}/")
        assert response.status_code in (403, 404) and theirs.reference not in response.content.decode()
    assert client.get(f"/admin/servicedesk/servicerequest/{theirs.pk}/start/").status_code in (403, 404)


def test_manager_sees_every_request_and_seller_only_their_vendors(client, manager, seller_a, vendor_a, vendor_b):
    a, b = service_request_for(vendor_a), service_request_for(vendor_b)
    client.force_login(manager)
    listing = client.get("/admin/servicedesk/servicerequest/").content.decode()
    assert a.reference in listing and b.reference in listing
    client.force_login(seller_a)
    listing = client.get("/admin/servicedesk/servicerequest/").content.decode()
    assert a.reference in listing and b.reference not in listing


def test_detail_shows_timeline_payment_and_emails(client, manager, vendor_a):
    from apps.servicedesk import services

    req = service_request_for(vendor_a)
    services.request_cancel(request_id=req.pk, actor=manager, note="Customer changed their mind")
    client.force_login(manager)
    body = client.get(f"/admin/servicedesk/servicerequest/{req.pk}/change/").content.decode()
    assert req.reference in body and "Timeline" in body and "Customer changed their mind" in body
    assert "sandbox" in body and f"Request {req.reference}: Cancelled" in body  # the e-mail log


def test_admin_actions_move_the_request_through_services(client, manager, vendor_a, two_providers):
    provider, _other = two_providers
    req = service_request_for(vendor_a)
    client.force_login(manager)
    url = f"/admin/servicedesk/servicerequest/{req.pk}"
    assert client.get(f"{url}/assign/").status_code == 200
    response = client.post(f"{url}/assign/", {"provider": provider.pk, "note": "Over to you"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.provider == provider and req.status == Status.TEAM_ASSIGNED
    client.post(f"{url}/start/", {"note": ""})
    client.post(f"{url}/complete/", {"note": "Done"})
    req.refresh_from_db()
    assert req.status == Status.COMPLETED
    assert [c.actor for c in req.timeline.all()] == [manager, manager, manager]


def test_refused_transition_is_reported_not_raised(client, manager, vendor_a):
    req = service_request_for(vendor_a)
    client.force_login(manager)
    response = client.post(f"/admin/servicedesk/servicerequest/{req.pk}/complete/", {"note": ""}, follow=True)
    assert "cannot become completed" in response.content.decode()
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.PENDING_CONTACT


def test_cancel_without_a_reason_is_refused_by_the_form(client, manager, vendor_a):
    req = service_request_for(vendor_a)
    client.force_login(manager)
    response = client.post(f"/admin/servicedesk/servicerequest/{req.pk}/cancel/", {"note": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.PENDING_CONTACT
