from django.utils.translation import gettext_lazy as _

from apps.geo.models import Address, Neighbourhood, Prefecture


def _grouped(rows, group_of) -> list:
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append((row.pk, row.name))
    return list(groups.items())


def prefecture_choices(region_id: int | None) -> list:
    """Choices for a prefecture <select>: the region's prefectures, or all of them grouped by region."""
    prefectures = list(Prefecture.objects.select_related("region").order_by("region__name", "name"))
    narrowed = [(p.pk, p.name) for p in prefectures if p.region_id == region_id]
    return [("", _("Choose a prefecture"))] + (narrowed or _grouped(prefectures, lambda p: p.region.name))


def neighbourhood_choices(prefecture_id: int | None) -> list:
    """Choices for a neighbourhood <select>: the prefecture's neighbourhoods grouped by commune, or all of
    them grouped by prefecture and commune; only the empty choice where the prefecture has none."""
    blank = [("", _("Choose a neighbourhood"))]
    neighbourhoods = Neighbourhood.objects.select_related("prefecture").order_by("prefecture__name", "commune", "name")
    if prefecture_id is not None:
        return blank + _grouped([n for n in neighbourhoods if n.prefecture_id == prefecture_id],
                                lambda n: n.commune or n.prefecture.name)
    return blank + _grouped(neighbourhoods, lambda n: f"{n.prefecture.name} · {n.commune}" if n.commune
                            else n.prefecture.name)


def address_list_for_user(*, user) -> list[Address]:
    """The user's address book, default first."""
    return list(Address.objects.filter(user=user).select_related("region", "prefecture", "neighbourhood"))
