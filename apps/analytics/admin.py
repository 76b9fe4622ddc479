"""Exchange rates in the back office: django-money's tables with unfold's look, written through services."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from djmoney.contrib.exchange.models import ExchangeBackend, Rate
from djmoney.money import Money
from unfold.admin import ModelAdmin
from unfold.decorators import display

from apps.analytics.exchange import BACKEND_NAME, QUOTE_CURRENCY
from apps.analytics.services import exchange_rate_delete, exchange_rate_set
from apps.core.admin import BaseAdmin
from apps.core.templatetags.money import price

# djmoney.contrib.exchange registers plain Django admins; it comes before us in INSTALLED_APPS.
for model in (Rate, ExchangeBackend):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class RateForm(forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"),
                                 choices=[(code, code) for code in settings.CURRENCIES if code != QUOTE_CURRENCY])
    value = forms.DecimalField(label=_("Units for 1 %(quote)s") % {"quote": QUOTE_CURRENCY}, max_digits=20,
                               decimal_places=6, min_value=Decimal("0.000001"),
                               help_text=_("How much of this currency one US dollar buys, e.g. 8650 for GNF, "
                                           "0.92 for EUR."))

    class Meta:
        model = Rate
        fields = ["currency", "value"]

    def clean_currency(self):
        currency = self.cleaned_data["currency"]
        if not ExchangeBackend.objects.filter(name=BACKEND_NAME).exists():
            raise ValidationError(_("The exchange-rate table is missing: run the database migrations."))
        taken = Rate.objects.filter(backend_id=BACKEND_NAME, currency=currency).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("%(currency)s already has a rate: change that one instead.")
                                  % {"currency": currency})
        return currency

    def validate_unique(self):
        pass  # the backend is set by the service; clean_currency checks (currency, backend)


@admin.register(Rate)
class RateAdmin(BaseAdmin):
    form = RateForm
    list_display = ["currency", "value", "quoted", "in_base_currency"]
    ordering = ["currency"]
    search_fields = ["currency"]

    def get_queryset(self, request):
        base_rate = Rate.objects.filter(backend=OuterRef("backend"), currency=settings.BASE_CURRENCY).values("value")
        return super().get_queryset(request).filter(backend_id=BACKEND_NAME).annotate(
            base_value=Subquery(base_rate[:1]))

    def get_readonly_fields(self, request, obj=None):
        return ["currency"] if obj is not None else []

    @display(description=_("1 unit in the base currency"))
    def in_base_currency(self, obj):
        # value = units per dollar, so 1 unit = (base units per dollar) / value base units
        if obj.currency == settings.BASE_CURRENCY:
            return price(Money(1, settings.BASE_CURRENCY))
        base_value = Decimal(1) if settings.BASE_CURRENCY == QUOTE_CURRENCY else obj.base_value
        if base_value is None:
            return _("set a %(base)s rate first") % {"base": settings.BASE_CURRENCY}
        return price(Money(base_value / obj.value, settings.BASE_CURRENCY))

    @display(description=_("Quoted"))
    def quoted(self, obj):
        return _("per 1 %(quote)s") % {"quote": QUOTE_CURRENCY}

    def save_model(self, request, obj, form, change):
        # the form already checked what the service checks, so a refusal here is a programming error
        saved = exchange_rate_set(currency=obj.currency, value=obj.value, actor=request.user)
        obj.pk, obj.backend = saved.pk, saved.backend  # the admin's redirect and messages name this row

    def delete_model(self, request, obj):
        exchange_rate_delete(rate=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for rate in queryset:
            exchange_rate_delete(rate=rate, actor=request.user)

    def has_import_permission(self, request):
        return False  # rates go through exchange_rate_set (validation, cache refresh)


@admin.register(ExchangeBackend)
class ExchangeBackendAdmin(ModelAdmin):
    """The rate table itself: created by a migration, read-only here (its quote currency never changes)."""

    list_display = ["name", "base_currency", "rate_count", "last_update"]
    readonly_fields = ["name", "base_currency", "last_update"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rate_total=Count("rates"))

    @display(description=_("Rates"))
    def rate_count(self, obj):
        return obj.rate_total

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
