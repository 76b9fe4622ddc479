from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative region (Guinea has eight, Conakry included); reference data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

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

    class Meta:
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        ordering = ["region__name", "name"]

    def __str__(self):
        return self.name


class Address(models.Model):
    """A buyer's delivery address (neighbourhood and GPS coordinates come with fulfilment)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses",
                             verbose_name=_("user"))
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("e.g. Home, Office"))
    full_name = models.CharField(_("recipient"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("prefecture"))
    street = models.CharField(_("street and number"), max_length=200)
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
        from django.core.exceptions import ValidationError

        if self.region_id and self.prefecture_id and self.prefecture.region_id != self.region_id:
            raise ValidationError({"prefecture": _("This prefecture is not in the chosen region.")})
