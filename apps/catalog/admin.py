from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from djmoney.models.fields import MoneyField
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import RangeNumericFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminDecimalFieldWidget, UnfoldAdminTextareaWidget

from apps.catalog import products
from apps.catalog.models import Product, ProductImage, Service, ServiceCategory, ServiceTier
from apps.catalog.resources import ProductResource, ServiceCategoryResource, ServiceResource, ServiceTierResource
from apps.core.admin import BaseAdmin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price as format_price
from apps.dataio.admin_mixins import ImportWorkflowMixin


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ImportWorkflowMixin, BaseAdmin):
    resource_classes = [ServiceCategoryResource]
    list_display = ["name", "parent", "icon", "ordering", "services_count"]
    list_editable = ["ordering"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["eligible_providers"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(services_total=Count("services")).order_by("ordering", "name")

    @display(description=_("Services"), ordering="services_total")
    def services_count(self, obj):
        return obj.services_total


class ServiceTierInline(VendorScopedAdminMixin, TabularInline):
    model = ServiceTier
    extra = 0
    fields = ["name", "price", "features", "sort_order"]


@admin.register(Service)
class ServiceAdmin(ImportWorkflowMixin, VendorScopedAdminMixin, BaseAdmin):
    resource_classes = [ServiceResource]
    list_display = ["name", "vendor", "category", "base_price", "active_badge", "updated_at"]
    list_filter = ["is_active", "category", "vendor", ("base_price", RangeNumericFilter)]
    list_select_related = ["vendor", "category", "category__parent"]
    search_fields = ["name", "slug", "short_description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["vendor", "category"]
    inlines = [ServiceTierInline]
    fieldsets = [
        (None, {"fields": ["vendor", "category", "name", "slug", "is_active"]}),
        (_("Description"), {"fields": ["short_description", "description", "features"]}),
        (_("Price and duration"), {"fields": ["base_price", "duration_minutes"]}),
    ]

    @display(description=_("Active"), label={True: "success", False: "danger"})
    def active_badge(self, obj):
        return obj.is_active


@admin.register(ServiceTier)
class ServiceTierAdmin(ImportWorkflowMixin, VendorScopedAdminMixin, BaseAdmin):
    resource_classes = [ServiceTierResource]
    list_display = ["name", "service", "price", "sort_order"]
    list_filter = ["service__category", "service"]
    list_select_related = ["service", "service__vendor"]
    search_fields = ["name", "service__name"]
    autocomplete_fields = ["service"]


# --- Products: every save and action goes through apps.catalog.products so the moderation rules hold

PRODUCTS_LISTED = 20  # named on an action's confirmation page; the rest are counted


class PricePercentForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Change prices by (%)"), min_value=Decimal("-99"), max_value=Decimal("1000"), max_digits=6,
        decimal_places=2, widget=UnfoldAdminDecimalFieldWidget,
        help_text=_("For example -10 to lower prices by 10 %, or 5 to raise them by 5 %. Sale prices follow. "
                    "The products go back to review before buyers see the new prices."))

    def clean_percent(self):
        percent = self.cleaned_data["percent"]
        if not percent:
            raise forms.ValidationError(_("A change of 0 % would change nothing."))
        return percent


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is it rejected?"), widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}),
                             help_text=_("Sent to the seller: say what they have to change."))


class ConfirmForm(forms.Form):
    """Nothing to ask: the page shows what will change, and only its POST (with the CSRF token) acts."""


class ProductImageInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A saved photo is replaced by deleting it and adding another, so every new photo is reviewed.
            self.fields["image"].disabled = True


class ProductImageInline(VendorScopedAdminMixin, TabularInline):
    model = ProductImage
    form = ProductImageInlineForm
    extra = 0
    fields = ["preview", "image", "alt_text", "sort_order"]
    readonly_fields = ["preview"]

    @display(description=_("Preview"))
    def preview(self, obj):
        if not obj.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="64" height="64" style="object-fit:contain">', obj.thumbnail.url)


MODERATION_COLOURS = {Product.Moderation.PENDING: "warning", Product.Moderation.APPROVED: "success",
                      Product.Moderation.REJECTED: "danger"}
# Set by moderation actions only: a seller can never approve their own product by editing it.
MODERATION_FIELDS = ["moderation_status", "rejection_reason", "moderated_at", "moderated_by"]


@admin.register(Product)
class ProductAdmin(ImportWorkflowMixin, VendorScopedAdminMixin, BaseAdmin):
    resource_classes = [ProductResource]
    list_display = ["product_header", "vendor", "category", "price_column", "stock_badge", "moderation_badge",
                    "active_badge"]
    list_filter = ["moderation_status", "is_active", "category", "brand", "vendor", ("price", RangeNumericFilter)]
    list_select_related = ["vendor", "category", "category__parent"]
    search_fields = ["name", "slug", "brand"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["vendor", "category"]
    inlines = [ProductImageInline]
    readonly_fields = [*MODERATION_FIELDS, "rating_average", "rating_count"]
    actions = ["activate_selected", "deactivate_selected", "change_price_selected", "approve_selected",
               "reject_selected"]
    actions_detail = ["approve", "reject"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["vendor", "category", "name", "slug", "brand", "colour", "is_active"]}),
            (_("Description"), {"fields": ["description", "attributes"]}),
            (_("Price"), {"fields": ["price", "sale_price", "sale_starts_at", "sale_ends_at"]}),
            (_("Stock"), {"fields": ["stock", "low_stock_threshold"]}),
        ]
        if obj is None:
            return fieldsets
        moderation = (_("Moderation"), {"fields": [*MODERATION_FIELDS, "rating_average", "rating_count"]})
        # a rejected product opens on the reason, which is what its seller has to act on
        return [moderation, *fieldsets] if obj.moderation_status == Product.Moderation.REJECTED else [
            *fieldsets, moderation]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and "vendor" not in readonly:
            readonly.append("vendor")  # products never move between vendors
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, MoneyField):
            # unfold's money widget forgets the field's default currency: an empty sale price would offer euros
            formfield.widget.default_currency = db_field.default_currency
        return formfield

    def get_queryset(self, request):
        first_thumbnail = ProductImage.objects.filter(product=OuterRef("pk")).order_by("sort_order", "pk")
        return super().get_queryset(request).annotate(first_thumbnail=Subquery(first_thumbnail.values("thumbnail")[:1]))

    # --- columns
    @display(description=_("Product"), header=True, ordering="name")
    def product_header(self, obj):
        initials = "".join(word[0] for word in obj.name.split()[:2]).upper()
        picture = ({"path": default_storage.url(obj.first_thumbnail), "squared": True, "width": 40, "height": 40}
                   if obj.first_thumbnail else None)
        return [obj.name, obj.brand, initials, picture]

    @display(description=_("Price"), ordering="price")
    def price_column(self, obj):
        if obj.on_sale():
            return format_html('<s class="text-base-400">{}</s> {}', format_price(obj.price),
                               format_price(obj.sale_price))
        return format_price(obj.price)

    @display(description=_("Stock"), label={"low": "danger", "ok": "default"}, ordering="stock")
    def stock_badge(self, obj):
        return ("low" if obj.stock <= obj.low_stock_threshold else "ok", obj.stock)

    @display(description=_("Moderation"), label=MODERATION_COLOURS, ordering="moderation_status")
    def moderation_badge(self, obj):
        return obj.moderation_status, obj.get_moderation_status_display()

    @display(description=_("Active"), label={True: "success", False: "danger"}, ordering="is_active")
    def active_badge(self, obj):
        return obj.is_active, _("Active") if obj.is_active else _("Off")

    # --- saving through the services
    def save_model(self, request, obj, form, change):
        self.check_save_in_scope(request, obj)
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in products.EDITABLE_FIELDS}
            if changes:
                products.product_update(product_id=obj.pk, actor=request.user, changes=changes)
        else:
            fields = {name: value for name, value in form.cleaned_data.items() if name in products.EDITABLE_FIELDS}
            obj.pk = products.product_create(vendor=obj.vendor, actor=request.user, **fields).pk
        obj.refresh_from_db()  # the admin's messages and redirect then show the saved moderation state

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            if formset.model is ProductImage:
                self._save_images(request, form.instance, formset)
            else:
                self.save_formset(request, form, formset, change)

    def _save_images(self, request, product, formset):
        # the admin's change message reads these lists, which formset.save() would have filled
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted = set(formset.deleted_forms)
        for image_form in formset.initial_forms:
            image, data = image_form.instance, image_form.cleaned_data
            if image_form in deleted:
                products.product_image_remove(image_id=image.pk, actor=request.user)
                formset.deleted_objects.append(image)
            elif image_form.has_changed():
                products.product_image_update(image_id=image.pk, actor=request.user, alt_text=data["alt_text"],
                                              sort_order=data["sort_order"])
                formset.changed_objects.append((image, image_form.changed_data))
        for image_form in formset.extra_forms:
            if image_form in deleted or not image_form.has_changed():
                continue
            data = image_form.cleaned_data
            formset.new_objects.append(products.product_image_add(
                product=product, file=data["image"], alt_text=data["alt_text"], actor=request.user,
                sort_order=data["sort_order"]))

    # --- moderation permission (the Manager, Support staff and Administrator roles hold it)
    def has_moderate_permission(self, request, obj=None):
        return request.user.has_perm(products.MODERATE_PERMISSION) and self._in_scope(request, obj)

    # --- bulk actions
    def _run_each(self, request, queryset, run, done_message):
        done = 0
        for product in queryset:
            try:
                run(product)
            except DomainError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)

    def _form_page(self, request, queryset, *, form_class, title, action, run, back_url=None):
        """An intermediate page asking for the action's input; on a valid answer, run and go back to the list."""
        if not queryset.exists():
            self.message_user(request, _("None of the selected products can be changed."), messages.WARNING)
            return None
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                run(form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))  # shown on the same page, with what was typed
            else:
                return None
        shown = list(queryset.select_related("vendor")[:PRODUCTS_LISTED])
        return TemplateResponse(request, "admin/catalog/product_action_form.html", {
            **self.admin_site.each_context(request), "title": title, "opts": self.opts, "form": form,
            "action": action, "product_ids": list(queryset.values_list("pk", flat=True)), "products": shown,
            "more": max(queryset.count() - len(shown), 0), "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back_url": back_url or reverse("admin:catalog_product_changelist")})

    @admin.action(description=_("Activate selected products"), permissions=["change"])
    def activate_selected(self, request, queryset):
        count = products.product_set_active(product_ids=queryset.values_list("pk", flat=True), active=True,
                                            actor=request.user)
        self.message_user(request, ngettext("%(count)s product activated.", "%(count)s products activated.", count)
                          % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Deactivate selected products"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        count = products.product_set_active(product_ids=queryset.values_list("pk", flat=True), active=False,
                                            actor=request.user)
        self.message_user(request, ngettext("%(count)s product deactivated.", "%(count)s products deactivated.",
                                            count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Change prices of selected products by a percentage"), permissions=["change"])
    def change_price_selected(self, request, queryset):
        def run(data):
            changed = products.product_change_price_percent(
                product_ids=queryset.values_list("pk", flat=True), percent=data["percent"], actor=request.user)
            self.message_user(request, ngettext("%(count)s price changed; the product is back in review.",
                                                "%(count)s prices changed; the products are back in review.",
                                                len(changed)) % {"count": len(changed)}, messages.SUCCESS)

        return self._form_page(request, queryset, form_class=PricePercentForm, title=_("Change prices"),
                               action="change_price_selected", run=run)

    @admin.action(description=_("Approve selected products"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._run_each(request, queryset, lambda product: products.product_approve(
            product_id=product.pk, moderator=request.user),
            lambda count: ngettext("%(count)s product approved.", "%(count)s products approved.", count))

    @admin.action(description=_("Reject selected products"), permissions=["moderate"])
    def reject_selected(self, request, queryset, back_url=None):
        def run(data):
            self._run_each(request, queryset, lambda product: products.product_reject(
                product_id=product.pk, moderator=request.user, reason=data["reason"]),
                lambda count: ngettext("%(count)s product rejected; its seller is told why.",
                                       "%(count)s products rejected; their sellers are told why.", count))

        return self._form_page(request, queryset, form_class=RejectForm, title=_("Reject products"),
                               action="reject_selected", run=run, back_url=back_url)

    # --- the same moderation from a product's own page
    def _detail_queryset(self, request, object_id):
        product = self.get_object(request, unquote(object_id))
        if product is None:
            raise Http404
        return self.get_queryset(request).filter(pk=product.pk)

    def _change_url(self, object_id):
        return reverse("admin:catalog_product_change", args=[object_id])

    @action(description=_("Approve"), permissions=["moderate"], icon="check_circle")
    def approve(self, request, object_id):
        queryset = self._detail_queryset(request, object_id)
        return self._form_page(
            request, queryset, form_class=ConfirmForm, title=_("Approve products"), action="",
            run=lambda _data: self.approve_selected(request, queryset), back_url=self._change_url(object_id),
        ) or redirect(self._change_url(object_id))

    @action(description=_("Reject"), permissions=["moderate"], icon="block")
    def reject(self, request, object_id):
        queryset = self._detail_queryset(request, object_id)
        return (self.reject_selected(request, queryset, back_url=self._change_url(object_id))
                or redirect(self._change_url(object_id)))
