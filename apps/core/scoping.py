"""Which vendors' rows a person may see: the one rule behind every vendor-scoped view.

A model belongs to a vendor when it declares ``vendor_path``: the lookup from the model to its
Vendor ("vendor", or "order__vendor" for a row owned through a relation; the Vendor model itself
uses "pk"). Historical (simple-history) models inherit the path of the model they record.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, QuerySet

ACCESS_ALL_VENDORS = "vendors.access_all_vendors"


def vendor_path_of(model) -> str | None:
    model = getattr(model, "instance_type", model)  # a simple-history model records instance_type
    return getattr(model, "vendor_path", None)


def is_vendor_owned(model) -> bool:
    return vendor_path_of(model) is not None


def vendor_id_of(obj: Model) -> int | None:
    path = vendor_path_of(type(obj))
    if path == "pk":
        return getattr(obj, "id", obj.pk)
    *head, last = path.split("__")
    for part in head:
        obj = getattr(obj, part)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


@dataclass(frozen=True)
class VendorScope:
    all_vendors: bool
    vendor_ids: frozenset[int]

    @classmethod
    def for_user(cls, user) -> "VendorScope":
        if not user.is_authenticated or not user.is_active:
            return cls(all_vendors=False, vendor_ids=frozenset())
        if user.has_perm(ACCESS_ALL_VENDORS):
            return cls(all_vendors=True, vendor_ids=frozenset())
        membership = apps.get_model("vendors", "VendorMembership")
        # Members of a suspended vendor lose back-office access to it.
        ids = membership.objects.filter(user=user, vendor__status="active").values_list("vendor_id", flat=True)
        return cls(all_vendors=False, vendor_ids=frozenset(ids))

    @classmethod
    def for_request(cls, request) -> "VendorScope":
        scope = getattr(request, "_vendor_scope", None)
        if scope is None or scope[0] != request.user.pk:
            scope = (request.user.pk, cls.for_user(request.user))
            request._vendor_scope = scope
        return scope[1]

    @property
    def single_vendor_id(self) -> int | None:
        return next(iter(self.vendor_ids)) if len(self.vendor_ids) == 1 else None

    def filter(self, queryset: QuerySet) -> QuerySet:
        path = vendor_path_of(queryset.model)
        if path is None or self.all_vendors:
            return queryset
        return queryset.filter(**{f"{path}__in": self.vendor_ids})

    def allows(self, obj: Model) -> bool:
        if self.all_vendors or not is_vendor_owned(type(obj)):
            return True
        return vendor_id_of(obj) in self.vendor_ids


# --- rules narrower than the vendor scope, owned by a higher app (the service desk's "providers see only what
# is assigned to them" reaches payments and e-mail logs, which cannot import it): registered in its
# AppConfig.ready(), applied by every admin's get_queryset.
RowRule = Callable[[object, QuerySet], QuerySet]
_ROW_RULES: dict[str, RowRule] = {}


def row_rule_register(model_label: str, rule: RowRule) -> None:
    _ROW_RULES[model_label] = rule


def row_rules_apply(user, queryset: QuerySet) -> QuerySet:
    rule = _ROW_RULES.get(queryset.model._meta.label)
    return queryset if rule is None else rule(user, queryset)


def row_rules_allow(user, obj: Model) -> bool:
    model = type(obj)
    if model._meta.label not in _ROW_RULES:
        return True
    return row_rules_apply(user, model._default_manager.filter(pk=obj.pk)).exists()
