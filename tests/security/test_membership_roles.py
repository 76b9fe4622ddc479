"""Roles inside a store: only owners (and platform staff) manage members; a store always keeps an owner."""

import pytest
from django.urls import reverse

from apps.vendors.models import VendorMembership
from apps.vendors.services import VendorError, membership_add, membership_change_role, membership_remove
from tests.factories import MembershipFactory, UserFactory

Role = VendorMembership.Role


@pytest.fixture
def owner_membership(vendor_a, seller_a):
    return VendorMembership.objects.get(vendor=vendor_a, user=seller_a)


@pytest.fixture
def staff_membership(vendor_a):
    return MembershipFactory(vendor=vendor_a, role=Role.STAFF, user__email="staff.a@example.com")


def _change_url(membership):
    return reverse("admin:vendors_vendormembership_change", args=[membership.pk])


def test_staff_cannot_make_itself_owner(client, staff_membership):
    # given a staff member of the store, in the back office
    client.force_login(staff_membership.user)
    # when it posts role=owner on its own membership
    response = client.post(_change_url(staff_membership), {"role": Role.OWNER})
    # then it is refused and the row is unchanged
    assert response.status_code == 403
    staff_membership.refresh_from_db()
    assert staff_membership.role == Role.STAFF


def test_staff_cannot_delete_the_owners_membership(client, staff_membership, owner_membership):
    client.force_login(staff_membership.user)
    url = reverse("admin:vendors_vendormembership_delete", args=[owner_membership.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert VendorMembership.objects.filter(pk=owner_membership.pk).exists()


def test_staff_cannot_delete_the_owner_through_the_bulk_action(client, staff_membership, owner_membership):
    client.force_login(staff_membership.user)
    client.post(reverse("admin:vendors_vendormembership_changelist"),
                {"action": "delete_selected", "_selected_action": [owner_membership.pk], "post": "yes"})
    assert VendorMembership.objects.filter(pk=owner_membership.pk).exists()


def test_staff_sees_no_way_to_change_or_delete(client, staff_membership, owner_membership):
    client.force_login(staff_membership.user)
    page = client.get(_change_url(owner_membership)).content.decode()
    assert 'name="role"' not in page
    assert reverse("admin:vendors_vendormembership_delete", args=[owner_membership.pk]) not in page


def test_owner_changes_a_staff_role_in_the_admin(client, owner_membership, staff_membership):
    client.force_login(owner_membership.user)
    response = client.post(_change_url(staff_membership), {"role": Role.MANAGER})
    assert response.status_code == 302
    staff_membership.refresh_from_db()
    assert staff_membership.role == Role.MANAGER


def test_owner_cannot_change_its_own_role_in_the_admin(client, owner_membership):
    client.force_login(owner_membership.user)
    assert client.post(_change_url(owner_membership), {"role": Role.STAFF}).status_code == 403
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_owner_can_add_staff(vendor_a, owner_membership):
    newcomer = UserFactory(email="newcomer@example.com")
    membership = membership_add(vendor_id=vendor_a.pk, user=newcomer, role=Role.STAFF, actor=owner_membership.user)
    assert membership.vendor == vendor_a and membership.role == Role.STAFF


def test_staff_cannot_add_anyone(vendor_a, staff_membership):
    with pytest.raises(VendorError, match="owners"):
        membership_add(vendor_id=vendor_a.pk, user=UserFactory(), role=Role.OWNER, actor=staff_membership.user)


def test_owner_of_another_store_manages_nothing_here(vendor_a, seller_b, staff_membership):
    with pytest.raises(VendorError):
        membership_change_role(membership_id=staff_membership.pk, role=Role.OWNER, actor=seller_b)


def test_last_owner_cannot_be_removed(manager, owner_membership):
    with pytest.raises(VendorError, match="last owner"):
        membership_remove(membership_id=owner_membership.pk, actor=manager)
    assert VendorMembership.objects.filter(pk=owner_membership.pk).exists()


def test_last_owner_cannot_be_demoted(manager, owner_membership):
    with pytest.raises(VendorError, match="last owner"):
        membership_change_role(membership_id=owner_membership.pk, role=Role.STAFF, actor=manager)


def test_last_owner_removal_in_the_admin_is_a_message(client, manager, owner_membership):
    client.force_login(manager)
    url = reverse("admin:vendors_vendormembership_delete", args=[owner_membership.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "last owner" in response.content.decode()
    assert VendorMembership.objects.filter(pk=owner_membership.pk).exists()


def test_an_owner_may_leave_when_another_owner_remains(vendor_a, owner_membership, staff_membership):
    membership_change_role(membership_id=staff_membership.pk, role=Role.OWNER, actor=owner_membership.user)
    membership_remove(membership_id=owner_membership.pk, actor=staff_membership.user)
    assert not VendorMembership.objects.filter(pk=owner_membership.pk).exists()


def test_platform_staff_add_members_in_the_admin(client, manager, vendor_a):
    newcomer = UserFactory(email="newcomer@example.com")
    client.force_login(manager)
    response = client.post(reverse("admin:vendors_vendormembership_add"),
                           {"vendor": vendor_a.pk, "user": newcomer.pk, "role": Role.STAFF})
    assert response.status_code == 302
    assert VendorMembership.objects.filter(vendor=vendor_a, user=newcomer, role=Role.STAFF).exists()
