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
