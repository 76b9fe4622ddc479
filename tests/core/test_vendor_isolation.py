import pytest
from django.contrib import admin

from apps.core.admin import BaseAdmin, vendor_owned_models_without_mixin
from tests.core.isolation import (
    VENDOR_OBJECT_FACTORIES,
    isolation_violations,
    models_with_vendor_fk_but_no_path,
    vendor_owned_registrations,
)

REGISTRATIONS = vendor_owned_registrations()


def test_every_vendor_owned_admin_uses_the_scoping_mixin():
    assert vendor_owned_models_without_mixin() == []


def test_every_model_pointing_at_a_vendor_declares_its_vendor_path():
    assert models_with_vendor_fk_but_no_path() == []


def test_every_vendor_owned_model_has_a_factory_for_the_matrix():
    assert {model._meta.label for model, _ in REGISTRATIONS} <= set(VENDOR_OBJECT_FACTORIES)


@pytest.mark.parametrize(("model", "model_admin"), REGISTRATIONS, ids=[m._meta.label for m, _ in REGISTRATIONS])
def test_seller_a_cannot_reach_seller_b_objects(client, seller_a, vendor_a, vendor_b, model, model_admin):
    # given one object of each vendor
    obj_a = VENDOR_OBJECT_FACTORIES[model._meta.label](vendor_a)
    obj_b = VENDOR_OBJECT_FACTORIES[model._meta.label](vendor_b)
    # when seller A walks every admin path towards B's object
    client.force_login(seller_a)
    violations = isolation_violations(client, model, model_admin, obj_a, obj_b, [vendor_b.name, str(obj_b)], seller_a)
    # then nothing of B is reachable
    assert violations == []


@pytest.mark.parametrize(("model", "model_admin"), REGISTRATIONS, ids=[m._meta.label for m, _ in REGISTRATIONS])
def test_seller_a_still_works_on_own_objects(client, seller_a, vendor_a, model, model_admin):
    obj_a = VENDOR_OBJECT_FACTORIES[model._meta.label](vendor_a)
    client.force_login(seller_a)
    model_url = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    from django.urls import reverse

    assert client.get(reverse(f"{model_url}_changelist")).status_code == 200
    assert client.get(reverse(f"{model_url}_change", args=[obj_a.pk])).status_code == 200
    assert client.get(reverse(f"{model_url}_history", args=[obj_a.pk])).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), REGISTRATIONS, ids=[m._meta.label for m, _ in REGISTRATIONS])
def test_matrix_catches_an_admin_without_the_mixin(
    client, seller_a, vendor_a, vendor_b, model, model_admin, monkeypatch, settings
):
    # given the same model registered with an admin that forgot the mixin, served at /admin/
    same_options = {"search_fields": model_admin.search_fields, "list_filter": model_admin.list_filter}
    plain = type("PlainAdmin", (BaseAdmin,), same_options)(model, admin.site)
    monkeypatch.setitem(admin.site._registry, model, plain)
    _serve_admin_site_with(plain, model, monkeypatch, settings)
    obj_a = VENDOR_OBJECT_FACTORIES[model._meta.label](vendor_a)
    obj_b = VENDOR_OBJECT_FACTORIES[model._meta.label](vendor_b)
    client.force_login(seller_a)
    # then both the registry check and the matrix report it
    assert model._meta.label in vendor_owned_models_without_mixin()
    violations = isolation_violations(client, model, plain, obj_a, obj_b, [vendor_b.name, str(obj_b)], seller_a)
    assert {"change: 200", "history: 200", "history-record: 200", "changelist: shows B", "search: shows B",
            "raw-id popup: shows B", "export: contains B", "import: accepted B's row"} <= set(violations)


def _serve_admin_site_with(model_admin, model, monkeypatch, settings):
    """URLs are bound to admin instances when built: serve a site whose registry has this admin."""
    import sys
    import types

    from django.urls import path
    from unfold.sites import UnfoldAdminSite

    from project import urls as project_urls

    site = UnfoldAdminSite(name="admin")
    site._registry.update(admin.site._registry)
    urlconf = types.ModuleType("plain_admin_urls")
    urlconf.urlpatterns = [path("admin/", site.urls)] + [
        pattern for pattern in project_urls.urlpatterns if str(pattern.pattern) != "admin/"
    ]
    monkeypatch.setitem(sys.modules, urlconf.__name__, urlconf)
    settings.ROOT_URLCONF = urlconf.__name__


def test_platform_staff_see_every_vendor(client, manager, vendor_a, vendor_b):
    client.force_login(manager)
    body = client.get("/admin/vendors/vendor/").content.decode()
    assert vendor_a.name in body and vendor_b.name in body


def test_suspending_a_vendor_blocks_its_members(client, seller_a, vendor_a):
    from apps.vendors.services import vendor_set_status

    vendor_set_status(vendor_id=vendor_a.pk, status="suspended")
    client.force_login(seller_a)
    assert client.get(f"/admin/vendors/vendor/{vendor_a.pk}/change/").status_code == 404
    assert vendor_a.name not in client.get("/admin/vendors/vendor/").content.decode()
