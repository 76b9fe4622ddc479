"""The vendor-isolation matrix: every admin path, as seller A, against seller B's object.

Each check returns a list of violations (empty when isolated), so tests can both assert the
real admin registry is clean and show that an admin without the mixin is caught.
"""

import csv
import io
import re

from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from apps.core.resources import ANOTHER_VENDORS_ROW
from apps.core.scoping import is_vendor_owned, vendor_id_of, vendor_path_of
from apps.vendors.models import Vendor
from tests.factories import (
    DeliveryFactory,
    ForecastRunFactory,
    ImportJobFactory,
    MembershipFactory,
    PaymentFactory,
    ProductImageFactory,
    PromoCodeFactory,
    ServiceFactory,
    ServiceTierFactory,
    UserFactory,
    order_for,
    refund_for,
    return_for,
    review_for,
    service_request_for,
)

DENIED = {403, 404}

# How to make one object of each vendor-owned model for a given vendor. A new vendor-owned
# model without an entry here makes the matrix fail, so every model gets covered.
VENDOR_OBJECT_FACTORIES = {
    "vendors.Vendor": lambda vendor: vendor,
    "vendors.VendorMembership": lambda vendor: MembershipFactory(vendor=vendor, role="staff"),
    "catalog.Service": lambda vendor: ServiceFactory(vendor=vendor, name=f"{vendor.name} service"),
    "catalog.ServiceTier": lambda vendor: ServiceTierFactory(service__vendor=vendor, name=f"{vendor.name} tier"),
    "catalog.Product": lambda vendor: ProductImageFactory(
        product__vendor=vendor, product__name=f"{vendor.name} product", alt_text=f"{vendor.name} photo").product,
    "payments.Payment": lambda vendor: PaymentFactory(vendor=vendor, description=f"{vendor.name} payment"),
    "servicedesk.ServiceRequest": service_request_for,
    "orders.Order": lambda vendor: order_for(vendor, buyer=UserFactory(full_name=f"{vendor.name} buyer")),
    "promotions.PromoCode": lambda vendor: PromoCodeFactory(vendor=vendor, code=f"{vendor.slug.upper()}-10"),
    "reviews.Review": lambda vendor: review_for(vendor, text=f"{vendor.name} review"),
    "returns.ReturnRequest": lambda vendor: return_for(vendor, buyer=UserFactory(full_name=f"{vendor.name} buyer"),
                                                       description=f"{vendor.name} return"),
    "returns.Refund": lambda vendor: refund_for(vendor, buyer=UserFactory(full_name=f"{vendor.name} buyer")),
    "forecasts.ForecastRun": lambda vendor: ForecastRunFactory(vendor=vendor),
    "delivery.Delivery": lambda vendor: DeliveryFactory(vendor=vendor),
    "dataio.ImportJob": lambda vendor: ImportJobFactory(vendor=vendor),
}


def vendor_owned_registrations(site: AdminSite = admin.site):
    return [(model, model_admin) for model, model_admin in site._registry.items() if is_vendor_owned(model)]


# Point at a vendor but are deliberately not vendor-owned: sellers never see them (reports about a store).
NOT_VENDOR_OWNED = {"moderation.Report"}


def models_with_vendor_fk_but_no_path() -> list[str]:
    from django.apps import apps

    return sorted(
        model._meta.label
        for model in apps.get_models()
        if not hasattr(model, "instance_type")  # simple-history models follow their source model
        and model._meta.label not in NOT_VENDOR_OWNED
        and any(isinstance(f, models.ForeignKey) and f.related_model is Vendor for f in model._meta.get_fields())
        and not is_vendor_owned(model)
    )


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _leaks(response, markers) -> bool:
    body = response.getvalue().decode(errors="ignore")
    return any(marker in body for marker in markers)


def isolation_violations(client, model, model_admin, obj_a, obj_b, markers, user) -> list[str]:
    """All the ways in which the signed-in seller (of another vendor) reaches obj_b."""
    violations = []
    pk = obj_b.pk

    def denied(view, url):
        response = client.get(url)
        if response.status_code not in DENIED or _leaks(response, markers):
            violations.append(f"{view}: {response.status_code}")

    denied("change", _url(model, "change", pk))
    denied("delete", _url(model, "delete", pk))
    denied("history", _url(model, "history", pk))
    history_id = obj_b.history.latest("history_date").history_id
    denied("history-record", _url(model, "simple_history", pk, history_id))
    violations += revert_violations(client, model, obj_b, markers)

    for view, query in (("changelist", ""), ("search", f"?q={markers[0]}"), ("raw-id popup", "?_popup=1&_to_field=id")):
        response = client.get(_url(model, "changelist") + query)
        if response.status_code != 200:
            continue
        listed = {obj.pk for obj in response.context["cl"].result_list}
        # the search box echoes the query, so a search is judged by its results only
        if pk in listed or (view != "search" and _leaks(response, markers)):
            violations.append(f"{view}: shows B")

    violations += _autocomplete_violations(client, model, pk)
    violations += _export_violations(client, model, pk, markers)
    violations += _import_violations(model, model_admin, obj_b, user)
    violations += _action_violations(client, model, model_admin, obj_b, user)
    violations += _form_violations(model, model_admin, obj_a, obj_b, user)
    return violations


def revert_violations(client, model, obj_b, markers) -> list[str]:
    """Reverting B's object to its first version: the confirmation page and the POST are refused, B unchanged."""
    first = obj_b.history.earliest("history_date")
    url = _url(model, "history_revert", obj_b.pk, first.history_id)
    before = model.objects.filter(pk=obj_b.pk).values().first()
    violations = []
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code not in DENIED or _leaks(response, markers):
            violations.append(f"revert ({method}): {response.status_code}")
    if model.objects.filter(pk=obj_b.pk).values().first() != before:
        violations.append("revert changed B")
    return violations


def _autocomplete_violations(client, target_model, pk) -> list[str]:
    violations = []
    for source_model, source_admin in admin.site._registry.items():
        for field_name in source_admin.autocomplete_fields:
            field = source_model._meta.get_field(field_name)
            if field.related_model is not target_model:
                continue
            response = client.get(reverse("admin:autocomplete"), {
                "app_label": source_model._meta.app_label, "model_name": source_model._meta.model_name,
                "field_name": field_name, "term": ""})
            if response.status_code == 200 and str(pk) in {r["id"] for r in response.json()["results"]}:
                violations.append(f"autocomplete via {source_model._meta.label}.{field_name}")
    return violations


def _export_violations(client, model, pk, markers) -> list[str]:
    url = _url(model, "export")
    page = client.get(url)
    if page.status_code != 200:
        return []
    fields = set(re.findall(r'name="(\w+resource_\w+)"', page.content.decode(), flags=re.IGNORECASE))
    response = client.post(url, {"format": "0", "resource": "0", **{name: "on" for name in fields}})
    if "attachment" not in response.get("Content-Disposition", ""):
        return ["export: the check could not produce a file"]
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    if _leaks(response, markers) or any(row.get("id") == str(pk) for row in rows):
        return ["export: contains B"]
    return []


def _import_violations(model, model_admin, obj_b, user) -> list[str]:
    """Re-importing B's own exported row as seller A must be a row error and change nothing."""
    request = RequestFactory().post("/")
    request.user = user
    resource_class = model_admin.get_import_resource_classes(request)[0]
    resource = resource_class(**model_admin.get_import_resource_kwargs(request))
    dataset = resource_class().export(queryset=model.objects.filter(pk=obj_b.pk))
    before = model.objects.filter(pk=obj_b.pk).values().first()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True)
    violations = []
    reasons = " ".join(str(row.error) for row in result.invalid_rows) + " ".join(
        str(error.error) for row in result.rows for error in row.errors)
    if str(ANOTHER_VENDORS_ROW) not in reasons:
        violations.append("import: accepted B's row")
    if model.objects.filter(pk=obj_b.pk).values().first() != before:
        violations.append("import: changed B")
    return violations


def _action_violations(client, model, model_admin, obj_b, user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    violations = []
    before = model.objects.filter(pk=obj_b.pk).values().first()
    for name in model_admin.get_actions(request):
        response = client.post(_url(model, "changelist"), {
            "action": name, "_selected_action": [obj_b.pk], "post": "yes", "index": "0"})
        if _leaks(response, [str(obj_b)]):
            violations.append(f"action {name}: shows B")
    if model.objects.filter(pk=obj_b.pk).values().first() != before:
        violations.append("actions changed B")
    return violations


def _form_violations(model, model_admin, obj_a, obj_b, user) -> list[str]:
    """Forms (and inline forms) offer only the seller's own rows; saving B's object is refused."""
    request = RequestFactory().get("/")
    request.user = user
    violations = []
    forms = []
    if model_admin.has_add_permission(request):
        forms.append(model_admin.get_form(request, None))
    if model_admin.has_change_permission(request, obj_a):
        forms.append(model_admin.get_form(request, obj_a))
        forms += [inline.get_formset(request, obj_a).form for inline in model_admin.get_inline_instances(request, obj_a)]
    vendor_b_id = vendor_id_of(obj_b)
    for form in forms:
        for name, field in form.base_fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and is_vendor_owned(queryset.model) and queryset.filter(
                    **_owned_by(queryset.model, vendor_b_id)).exists():
                violations.append(f"form field {name} offers B's rows")
    path = vendor_path_of(model)
    if path != "pk":
        from django.core.exceptions import PermissionDenied

        try:
            model_admin.save_model(request, obj_b, None, change=True)
        except PermissionDenied:
            pass
        else:
            violations.append("save_model accepted B's object")
    return violations


def _owned_by(model, vendor_id):
    path = vendor_path_of(model)
    return {"pk": vendor_id} if path == "pk" else {path: vendor_id}
