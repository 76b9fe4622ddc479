"""Which vendors' rows a person may see: the one rule behind every vendor-scoped view.

A model belongs to a vendor when it declares ``vendor_path``: the lookup from the model to its
Vendor ("vendor", or "order__vendor" for a row owned through a relation; the Vendor model itself
uses "pk"). Historical (simple-history) models inherit the path of the model they record.
"""

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
