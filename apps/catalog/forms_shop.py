from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from apps.catalog.forms import ServiceFilterForm
from apps.catalog.selectors_shop import Facets, Sort

# Shows the category tree inside a <select>, where nested lists are not possible.
INDENT = "\u2014 "

SORT_CHOICES = [
    (Sort.RELEVANCE, _("Best match")),  # newest first when nothing is searched
    (Sort.PRICE, _("Price: low to high")),
    (Sort.PRICE_DESC, _("Price: high to low")),
    (Sort.RATING, _("Best rated")),
]


def _choice_field(label, empty_label, message):
    return forms.ChoiceField(label=label, required=False, choices=[("", empty_label)],
                             error_messages={"invalid_choice": message})


class ProductFilterForm(ServiceFilterForm):
    """The shop's search, filters and sort order, read from the query string.

    The choices come from the products on offer (facets), so a buyer never picks a brand that finds nothing.
    Price fields, their messages and the min <= max check are the service catalogue's.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.SearchInput(attrs={"placeholder": _("Name, brand or description")}))
    category = _choice_field(_("Category"), _("All categories"), _("Choose a category from the list."))
    brand = _choice_field(_("Brand"), _("All brands"), _("Choose a brand from the list."))
    colour = _choice_field(_("Colour"), _("All colours"), _("Choose a colour from the list."))
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES,
                             error_messages={"invalid_choice": _("Choose a sort order from the list.")})

    field_order = ["q", "category", "brand", "colour", "min_price", "max_price", "sort", "in_stock"]
    # folded away unless one of them is in use, so that on a phone the results start near the top
    MORE_FILTERS = ("brand", "colour", "min_price", "max_price", "in_stock")

    def __init__(self, *args, facets: Facets, **kwargs):
        super().__init__(*args, **kwargs)
        self._categories = {node.category.slug: node for node in facets.category_nodes()}
        categories = [(slug, f"{INDENT * node.depth}{node.category.name} ({node.count})")
                      for slug, node in self._categories.items()]
        self._add_choices("category", categories)
        self._add_choices("brand", [(brand, brand) for brand in facets.brands])
        self._add_choices("colour", [(colour, colour) for colour in facets.colours])

    def _add_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        self.fields[name].choices = [*self.fields[name].choices, *choices]

    def more_filters_used(self) -> bool:
        return any(self.data.get(name) for name in self.MORE_FILTERS)

    def filters(self) -> dict:
        """Keyword arguments for product_list_for_buyers from the fields that are valid.

        An invalid field is reported next to itself and left out, so the rest of the search still works.
        """
        self.is_valid()
        data = self.cleaned_data

        def money(amount):
            return None if amount is None else Money(amount, settings.BASE_CURRENCY)

        return {
            "search": data.get("q", ""),
            "category": self._categories.get(data.get("category", "")),
            "brand": data.get("brand", ""),
            "colour": data.get("colour", ""),
            "min_price": money(data.get("min_price")),
            "max_price": money(data.get("max_price")),
            "in_stock": data.get("in_stock", False),
            "sort": data.get("sort", Sort.RELEVANCE),
        }
