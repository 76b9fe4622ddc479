"""Admin building blocks shared by every domain app."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import FileResponse, Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import modelresource_factory
from simple_history.admin import SimpleHistoryAdmin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.import_export.forms import ImportForm, SelectableFieldsExportForm

from apps.core.admin_history import HistoryAdminMixin
from apps.core.exceptions import DomainError
from apps.core.exporting import export_csv, export_rows, xlsx_file
from apps.core.forms import IdChoiceField
from apps.core.pagination import EstimatedCountPaginator
from apps.core.resources import SafeModelResource, VendorScopedResource
from apps.core.scoping import VendorScope, is_vendor_owned, row_rules_allow, row_rules_apply, vendor_path_of
from apps.core.validators import is_valid_id


class BaseAdmin(HistoryAdminMixin, SimpleHistoryAdmin, ImportExportModelAdmin, ModelAdmin):
    """unfold + field history (diff, revert) + import/export with unfold's forms; no full COUNT on big tables."""

    import_form_class = ImportForm
    export_form_class = SelectableFieldsExportForm
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    list_filter_submit = True
    warn_unsaved_form = True
    # Every import/export goes through our resources: formula-safe, and vendor-scoped below.
    base_resource_class = SafeModelResource

    # --- the row rules of apps.core.scoping, on lists and on single objects (history pages fetch their own)
    def get_queryset(self, request):
        return row_rules_apply(request.user, super().get_queryset(request))

    def _row_rules_allow(self, request, obj) -> bool:
        return not isinstance(obj, models.Model) or row_rules_allow(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._row_rules_allow(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._row_rules_allow(request, obj)

    # --- malformed input is "not found" or a 400, never a server error
    def get_object(self, request, object_id, from_field=None):
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        return super().get_object(request, object_id, from_field) if is_valid_id(field, object_id) else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **{"form_class": IdChoiceField, **kwargs})

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:  # a filter in the query string that this list does not have
            return HttpResponseBadRequest(_("This list cannot be filtered that way."))

    def process_import(self, request, **kwargs):
        # the confirm step names its temporary file and format in hidden fields: a stale or forged one is a 400
        fmt = request.POST.get("format", "")
        if not (fmt.isascii() and fmt.isdigit() and int(fmt) < len(self.get_import_formats())):
            return HttpResponseBadRequest(_("Unknown file format."))
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            return HttpResponseBadRequest(_("The file to import is no longer there: upload it again."))

    def apply_to_each(self, request, queryset, call) -> None:
        """A bulk action through a service, object by object: one refusal is reported, the rest go on."""
        for obj in queryset:
            try:
                call(obj)
            except DomainError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(request, _("%(object)s updated.") % {"object": obj})

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """CSV is streamed and XLSX spooled to disk (flat memory at any size); other formats go through the library."""
        if not isinstance(file_format, (CSV, XLSX)):
            return super()._do_file_export(file_format, request, queryset, export_form=export_form)
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request, export_form=export_form))
        selected = self.get_export_resource_fields_from_form(export_form)
        filename = self.get_export_filename(request, queryset, file_format)
        if isinstance(file_format, XLSX):
            return FileResponse(xlsx_file(*export_rows(resource, queryset, selected)), as_attachment=True,
                                filename=filename, content_type=file_format.get_content_type())
        response = StreamingHttpResponse(export_csv(resource, queryset, selected),
                                         content_type=file_format.get_content_type())
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_resource_classes(self, request):
        if not self.resource_classes:
            return [modelresource_factory(self.model, resource_class=self.base_resource_class)]
        unsafe = [cls.__name__ for cls in self.resource_classes if not issubclass(cls, self.base_resource_class)]
        if unsafe:
            raise ImproperlyConfigured(f"{', '.join(unsafe)} must subclass {self.base_resource_class.__name__}.")
        return self.resource_classes


class ReadOnlyAdminMixin:
    """Records written by services only (ledgers, logs, payments): viewed and exported, never added, edited,
    imported or deleted here, where a change would falsify the record."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, BaseAdmin):
    pass


class ActionFormPageMixin:
    """Detail actions that first ask for something (a note, a reason, a provider), then call a service.

    The action's own permission is checked by unfold before it runs; get_object applies the admin's
    scope, so another vendor's object is "not found". A refusal (DomainError) comes back as a message.
    """

    def action_summary(self, obj) -> str:
        """One line above the form saying what is being acted on."""
        return str(obj)

    def action_form_page(self, request, object_id, *, title, form_class, run, form_kwargs=None, explanation="",
                         submit=None):
        obj = self.get_object(request, unquote(str(object_id)))
        if obj is None:
            raise Http404
        # form_kwargs may depend on the object (e.g. who may be assigned to it): then it is a callable
        kwargs = form_kwargs(obj) if callable(form_kwargs) else (form_kwargs or {})
        form = form_class(request.POST or None, **kwargs)
        back_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if request.method == "POST" and form.is_valid():
            try:
                run(obj, form.cleaned_data)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, _("%(object)s: %(title)s.") % {"object": obj, "title": title},
                                  messages.SUCCESS)
            return redirect(back_url)
        return TemplateResponse(request, "admin/action_form_page.html", {
            **self.admin_site.each_context(request), "title": f"{title} · {obj}", "summary": self.action_summary(obj),
            "explanation": explanation, "form": form, "submit": submit or title, "back_url": back_url,
            "opts": self.opts, "original": obj})


class TimelineInline(TabularInline):
    """A read-only status history inside its parent (a request, an order): whoever may open the parent sees it."""

    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = _("Timeline")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class VendorScopedAdminMixin:
    """Limits every admin path of a vendor-owned model to the vendors the user belongs to.

    Platform staff (``vendors.access_all_vendors``) see everything. For a vendor member it
    scopes the changelist, change/delete/history views, FK and M2M choices, related filters,
    exports, imports (through ``VendorScopedResource``), actions, and saving.
    Autocomplete and raw-id popups are the target model's own changelist/search, so they are
    scoped as long as that model's admin uses this mixin too.
    """

    base_resource_class = VendorScopedResource

    def vendor_scope(self, request) -> VendorScope:
        return VendorScope.for_request(request)

    def get_queryset(self, request):
        return self.vendor_scope(request).filter(super().get_queryset(request))

    # --- object-level permission: history and history-record views rely on these
    def _in_scope(self, request, obj) -> bool:
        if obj is not None and not isinstance(obj, models.Model):
            # unfold's detail actions check permissions with the raw object id from the URL
            obj = self.get_object(request, unquote(str(obj)))
            return obj is not None and self._in_scope(request, obj)
        return obj is None or self.vendor_scope(request).allows(obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    # --- another vendor's object is "not found", never a redirect naming it
    def _get_scoped_object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._get_scoped_object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._get_scoped_object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    # --- choices offered in forms
    def _scope_choices(self, request, formfield):
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self.vendor_scope(request).filter(formfield.queryset)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = self._scope_choices(request, super().formfield_for_foreignkey(db_field, request, **kwargs))
        scope = self.vendor_scope(request)
        if formfield is not None and db_field.name == vendor_path_of(self.model) and scope.single_vendor_id:
            formfield.initial = scope.single_vendor_id
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scope_choices(request, super().formfield_for_manytomany(db_field, request, **kwargs))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        path = vendor_path_of(self.model)
        # A member may not move a row to another vendor.
        if obj is not None and path != "pk" and not self.vendor_scope(request).all_vendors:
            readonly.append(path.split("__")[0])
        return readonly

    def check_save_in_scope(self, request, obj) -> None:
        """For admins that save through a service instead of super().save_model."""
        if not self.vendor_scope(request).allows(obj):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        self.check_save_in_scope(request, obj)
        super().save_model(request, obj, form, change)

    # --- related filters list only objects reachable from the scoped changelist
    def get_list_filter(self, request):
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_relation(entry):
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def _is_relation(self, lookup: str) -> bool:
        model, field = self.model, None
        for part in lookup.split("__"):
            try:
                field = model._meta.get_field(part)
            except Exception:
                return False
            model = field.related_model
            if model is None:
                return False
        return isinstance(field, models.Field) and field.is_relation

    # --- imports and exports go through VendorScopedResource with the same scope
    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "vendor_scope": self.vendor_scope(request)}


def vendor_owned_models_without_mixin(site=admin.site) -> list[str]:
    """Registered vendor-owned models whose admin forgot the mixin (checked by tests)."""
    return sorted(
        model._meta.label
        for model, model_admin in site._registry.items()
        if is_vendor_owned(model) and not isinstance(model_admin, VendorScopedAdminMixin)
    )


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect (admin/r/<ct>/<id>/), only for an object this person may open in
    the admin: Django's own shortcut redirects to any object's page, naming another vendor's hidden product."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    obj = model_admin.get_object(request, unquote(object_id)) if model_admin is not None else None
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)
