from django import forms
from django.utils.translation import gettext_lazy as _

from apps.geo.forms import AddressForm
from apps.orders.cart import MAX_LINE_QUANTITY
from apps.orders.models import Order

NEW_ADDRESS = "new"
CART_CHANGED = _("Your cart has changed since this page was shown. Check the summary and place the order again.")


class CartAddForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, required=False)
    next = forms.CharField(required=False, max_length=500)

    def clean_quantity(self):
        return self.cleaned_data["quantity"] or 1  # a plain "Add to cart" button sends none


class CartQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_LINE_QUANTITY)


class CheckoutForm(forms.Form):
    """Delivery, payment and discounts. With placing=False (the promo "Apply" button) only the discounts
    are checked, so that half-filled delivery details show no errors yet."""

    items = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput,
                                           error_messages={"invalid_choice": CART_CHANGED, "required": CART_CHANGED})
    delivery_mode = forms.ChoiceField(label=_("How do you get it?"), choices=Order.DeliveryMode.choices,
                                      widget=forms.RadioSelect, initial=Order.DeliveryMode.HOME)
    address = forms.ChoiceField(label=_("Deliver to"), widget=forms.RadioSelect, required=False)
    payment_method = forms.ChoiceField(label=_("How do you pay?"), widget=forms.RadioSelect,
                                       initial=Order.CASH_ON_DELIVERY)
    commission_payer = forms.ChoiceField(
        label=_("Who pays the delivery commission?"), choices=Order.CommissionPayer.choices,
        widget=forms.RadioSelect, initial=Order.CommissionPayer.CUSTOMER,
        help_text=_("The amount is set by the delivery service; nothing is charged for it yet."))
    promo_code = forms.CharField(label=_("Promo code"), max_length=40, required=False,
                                 widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    points = forms.IntegerField(label=_("Loyalty points to use"), min_value=0, max_value=10**9, required=False,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, buyer, item_ids, gateways, placing: bool = True, prefectures_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.placing = placing
        self.fields["items"].choices = [(pk, pk) for pk in item_ids]
        self.fields["items"].initial = list(item_ids)
        self.fields["payment_method"].choices = [(Order.CASH_ON_DELIVERY, _("Cash on delivery")), *gateways]
        self.addresses = {str(address.pk): address for address in buyer.addresses.select_related("prefecture",
                                                                                                   "region")}
        self.fields["address"].choices = [(pk, f"{a.full_name} · {a}") for pk, a in self.addresses.items()] + [
            (NEW_ADDRESS, _("A new address"))]
        self.fields["address"].initial = next(iter(self.addresses), NEW_ADDRESS)
        self.new_address = self._address_form(buyer, prefectures_url)

    def _address_form(self, buyer, prefectures_url: str) -> AddressForm:
        """Bound (validated) only when a new address is what the order goes to; otherwise it just keeps
        what was typed, without errors for a section the buyer did not use."""
        prefix, data = "address", self.data
        if (self.placing and data.get("delivery_mode") == Order.DeliveryMode.HOME
                and data.get("address") == NEW_ADDRESS):
            return AddressForm(data, prefix=prefix, prefectures_url=prefectures_url)
        typed = {name: data[f"{prefix}-{name}"] for name in AddressForm.Meta.fields if f"{prefix}-{name}" in data}
        return AddressForm(prefix=prefix, prefectures_url=prefectures_url,
                           initial={"full_name": buyer.full_name, "phone": buyer.phone, **typed})

    def clean_promo_code(self):
        return self.cleaned_data["promo_code"].strip()

    def clean_points(self):
        return self.cleaned_data["points"] or 0

    def clean(self):
        cleaned = super().clean()
        cleaned["delivery_address"] = None
        if not self.placing or cleaned.get("delivery_mode") != Order.DeliveryMode.HOME:
            return cleaned
        choice = cleaned.get("address")
        if choice == NEW_ADDRESS:
            if self.new_address.is_valid():
                cleaned["delivery_address"] = self.new_address.instance  # saved with the orders
            else:
                self.add_error("address", _("Complete the new address below."))
        elif choice in self.addresses:
            cleaned["delivery_address"] = self.addresses[choice]
        else:
            self.add_error("address", _("Choose where to deliver."))
        return cleaned
