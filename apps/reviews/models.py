from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel


class Review(TimeStampedModel):
    """A verified buyer's rating of a product they received, with the seller's public reply."""

    vendor_path = "product__vendor"

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("product"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews",
                              verbose_name=_("buyer"))
    order_item = models.ForeignKey("orders.OrderItem", on_delete=models.PROTECT, related_name="reviews",
                                   verbose_name=_("order line"))
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), blank=True)
    seller_reply = models.TextField(_("seller's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("replied by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["product", "buyer"], name="reviews_one_per_buyer_and_product"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="reviews_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.rating}★ {self.product} by {self.buyer}"
