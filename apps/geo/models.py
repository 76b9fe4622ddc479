from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """An administrative region (Guinea has eight, Conakry included); reference data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Prefecture(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="prefectures",
                               verbose_name=_("region"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        ordering = ["region__name", "name"]

    def __str__(self):
        return self.name


LATITUDE_VALIDATORS = [MinValueValidator(-90, _("A latitude lies between -90 and 90.")),
                       MaxValueValidator(90, _("A latitude lies between -90 and 90."))]
LONGITUDE_VALIDATORS = [MinValueValidator(-180, _("A longitude lies between -180 and 180.")),
                        MaxValueValidator(180, _("A longitude lies between -180 and 180."))]


def latitude_field(verbose_name, **options):
    return models.DecimalField(verbose_name, max_digits=9, decimal_places=6, null=True, blank=True,
                               validators=LATITUDE_VALIDATORS, **options)


def longitude_field(verbose_name, **options):
    return models.DecimalField(verbose_name, max_digits=9, decimal_places=6, null=True, blank=True,
                               validators=LONGITUDE_VALIDATORS, **options)


class Neighbourhood(models.Model):
    """A neighbourhood (quartier) of a prefecture, with its approximate centre; reference data. In Conakry the
    commune (Kaloum, Dixinn, Matam, Ratoma, Matoto) sits between the two, kept as a name: nothing hangs off it."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="neighbourhoods",
                                   verbose_name=_("prefecture"))
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    latitude = latitude_field(_("latitude"))
    longitude = longitude_field(_("longitude"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["commune", "name"]

    def __str__(self):
        return f"{self.name} ({self.commune})" if self.commune else self.name


class Address(models.Model):
    """A buyer's delivery address; the neighbourhood or explicit coordinates place it for delivery distances."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses",
                             verbose_name=_("user"))
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("e.g. Home, Office"))
    full_name = models.CharField(_("recipient"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("prefecture"))
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("neighbourhood"))
    street = models.CharField(_("street and number"), max_length=200)
    latitude = latitude_field(_("latitude"), help_text=_("Optional: your phone's GPS position, e.g. 9.512500."))
    longitude = longitude_field(_("longitude"), help_text=_("Optional, e.g. -13.713000."))
    landmark = models.CharField(_("landmark"), max_length=200, blank=True,
                                help_text=_("Something a courier can find: a school, a pharmacy, a market."))
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-created_at"]

    def __str__(self):
        return ", ".join(part for part in (self.street, self.landmark, str(self.prefecture)) if part)

    def clean(self):
        errors = {}
        if self.region_id and self.prefecture_id and self.prefecture.region_id != self.region_id:
            errors["prefecture"] = _("This prefecture is not in the chosen region.")
        if self.neighbourhood_id and self.prefecture_id and self.neighbourhood.prefecture_id != self.prefecture_id:
            errors["neighbourhood"] = _("This neighbourhood is not in the chosen prefecture.")
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = _("Give both the latitude and the longitude, or neither.")
        if errors:
            raise ValidationError(errors)
