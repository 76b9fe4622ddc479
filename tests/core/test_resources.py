import csv
import io

import pytest
import tablib

from apps.core.resources import ANOTHER_VENDORS_ROW, VendorScopedResource, neutralise_formula
from apps.core.scoping import VendorScope
from apps.vendors.models import Vendor, VendorMembership
from apps.vendors.resources import VendorResource
from tests.factories import MembershipFactory, UserFactory, VendorFactory


class MembershipResource(VendorScopedResource):
    class Meta:
        model = VendorMembership
        fields = ("id", "vendor", "user", "role")


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_leading_cells_are_neutralised(value):
    assert neutralise_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["Conakry", "", "a=b", 12, None])
def test_other_cells_are_left_alone(value):
    assert neutralise_formula(value) == value


def test_vendor_export_neutralises_every_dangerous_cell(administrator, client):
    # given vendors whose text fields start with formula characters
    VendorFactory(name="=HYPERLINK(\"http://evil\")", slug="evil", description="@SUM(1)",
                  contact_phone="+224 620", address="-1+1")
    # when an administrator exports them as CSV through the admin
    client.force_login(administrator)
    response = client.post("/admin/vendors/vendor/export/", {
        "format": "0", "resource": "0",
        **{f"vendorresource_{name}": "on" for name in ("name", "description", "contact_phone", "address")}})
    # then no cell starts with a character a spreadsheet would evaluate
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells and "'@SUM(1)" in cells and "'+224 620" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def _dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


def test_member_import_is_forced_to_own_vendor(vendor_a, vendor_b):
    # given a seller of A importing rows, one of which names vendor B
    person, other = UserFactory(), UserFactory()
    scope = VendorScope(all_vendors=False, vendor_ids=frozenset({vendor_a.pk}))
    dataset = _dataset(["vendor", "user", "role"], [vendor_b.pk, person.pk, "staff"], ["", other.pk, "staff"])
    # when it is imported
    result = MembershipResource(vendor_scope=scope).import_data(dataset, dry_run=False)
    # then both rows land in A
    assert not result.has_errors() and not result.has_validation_errors()
    assert set(VendorMembership.objects.filter(user__in=[person, other]).values_list("vendor", flat=True)) == {vendor_a.pk}


def test_member_import_naming_another_vendors_object_is_a_row_error_and_writes_nothing(vendor_a, vendor_b):
    # given B's membership and a file with one good row and one row naming B's membership
    theirs = MembershipFactory(vendor=vendor_b, role="staff")
    newcomer = UserFactory()
    scope = VendorScope(all_vendors=False, vendor_ids=frozenset({vendor_a.pk}))
    dataset = _dataset(["id", "vendor", "user", "role"], ["", vendor_a.pk, newcomer.pk, "staff"],
                       [theirs.pk, vendor_b.pk, theirs.user_id, "owner"])
    # when imported
    result = MembershipResource(vendor_scope=scope).import_data(dataset, dry_run=False, use_transactions=True)
    # then row 2 is reported, and neither row was written
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 2 and str(ANOTHER_VENDORS_ROW) in str(invalid.error)
    theirs.refresh_from_db()
    assert theirs.role == "staff" and theirs.vendor == vendor_b
    assert not VendorMembership.objects.filter(user=newcomer).exists()


def test_platform_import_is_not_scoped(vendor_a, vendor_b):
    scope = VendorScope(all_vendors=True, vendor_ids=frozenset())
    dataset = _dataset(["id", "name", "slug", "status"], [vendor_b.pk, "Bravo renamed", vendor_b.slug, "active"])
    result = VendorResource(vendor_scope=scope).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Vendor.objects.get(pk=vendor_b.pk).name == "Bravo renamed"


def test_every_admin_resource_is_formula_safe():
    from django.contrib import admin
    from django.test import RequestFactory

    from apps.core.resources import SafeModelResource

    request = RequestFactory().get("/")
    for model_admin in admin.site._registry.values():
        if hasattr(model_admin, "get_export_resource_classes"):
            for resource_class in model_admin.get_export_resource_classes(request):
                assert issubclass(resource_class, SafeModelResource), model_admin
