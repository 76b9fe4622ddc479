from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display
from unfold.widgets import UnfoldAdminTextareaWidget

from apps.core.admin import BaseAdmin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.reviews.models import Review
from apps.reviews.services import TEXT_MAX_LENGTH, review_reply

STAR_COLOURS = {1: "danger", 2: "danger", 3: "warning", 4: "success", 5: "success"}


def _stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


class ReplyForm(forms.ModelForm):
    seller_reply = forms.CharField(label=_("Your public reply"), max_length=TEXT_MAX_LENGTH,
                                   widget=UnfoldAdminTextareaWidget(attrs={"rows": 5}),
                                   help_text=_("Shown under the review on the product page."))

    class Meta:
        model = Review
        fields = ["seller_reply"]


class RepliedFilter(admin.SimpleListFilter):
    title = _("replied")
    parameter_name = "replied"

    def lookups(self, request, model_admin):
        return [("yes", _("Replied")), ("no", _("Waiting for a reply"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(seller_reply="")
        if self.value() == "no":
            return queryset.filter(seller_reply="")
        return queryset


@admin.register(Review)
class ReviewAdmin(VendorScopedAdminMixin, BaseAdmin):
    """Buyers write reviews on the site; here the product's seller writes the public reply, and nothing else."""

    list_display = ["stars", "product", "buyer_name", "excerpt", "replied_badge", "created_at"]
    list_filter = ["rating", RepliedFilter, ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["product", "buyer"]
    search_fields = ["product__name", "text"]
    fieldsets = [
        (_("Review"), {"fields": ["product", "buyer_name", "rating_stars", "text", "created_at"]}),
        (_("Reply"), {"fields": ["seller_reply", "replied_at", "replied_by"]}),
    ]
    readonly_fields = ["product", "buyer_name", "rating_stars", "text", "created_at", "replied_at", "replied_by"]
    form = ReplyForm

    def has_add_permission(self, request):
        return False  # only a buyer who received the product writes a review, on the site

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # platform staff read reviews; only the product's own seller answers them
        return super().has_change_permission(request, obj) and (
            not isinstance(obj, Review) or self._sells(request, obj))

    def _sells(self, request, review: Review) -> bool:
        scope = self.vendor_scope(request)
        return not scope.all_vendors and review.product.vendor_id in scope.vendor_ids

    def save_model(self, request, obj, form, change):
        self.check_save_in_scope(request, obj)
        if "seller_reply" in form.changed_data:
            try:
                review_reply(review_id=obj.pk, seller=request.user, text=obj.seller_reply)
            except DomainError as error:
                raise PermissionDenied(str(error)) from error

    @display(description=_("Rating"), label=STAR_COLOURS, ordering="rating")
    def stars(self, obj):
        return obj.rating, f"{obj.rating} ★"  # a count reads better than five tiny glyphs in a badge

    @display(description=_("Rating"))
    def rating_stars(self, obj):
        return f"{_stars(obj.rating)} ({obj.rating}/5)"

    @display(description=_("Buyer"))
    def buyer_name(self, obj):
        return obj.buyer.full_name or _("A buyer")

    @display(description=_("Review"))
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    @display(description=_("Replied"), label={True: "success", False: "warning"}, ordering="replied_at")
    def replied_badge(self, obj):
        return bool(obj.seller_reply), _("Replied") if obj.seller_reply else _("Not yet")
