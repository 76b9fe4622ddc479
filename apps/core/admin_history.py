"""History in the back office: readable diffs, "Revert to this version" and the per-person Activity page.

HistoryAdminMixin is part of BaseAdmin. Everything goes through the admin's own scope: the object is
fetched with get_object (a vendor-scoped admin answers 404 for another vendor's object) and reverting
needs the admin's change permission on it plus core.revert_history.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_manager_for_model
from unfold.widgets import INPUT_CLASSES

from apps.core.exceptions import DomainError
from apps.core.history import (
    ACTIVITY_DEFAULT_DAYS,
    ACTIVITY_MAX_DAYS,
    ACTIVITY_PAGE_SIZE,
    ACTIVITY_PERMISSION,
    REVERT_PERMISSION,
    activity_for_user,
    activity_window,
    field_changes,
    history_revert,
    revert_plan,
    tracked_models,
)
from apps.core.forms import IdChoiceField
from apps.core.scoping import VendorScope
from apps.core.validators import DATE_RANGE_VALIDATORS, is_valid_id


class _RestoredValues:
    """What ModelAdmin.save_model reads from a form, for a revert: the restored values as cleaned data.

    Saving through the admin's own save_model keeps each model's rules (a product whose price comes back
    returns to moderation, through its service)."""

    def __init__(self, instance, values: dict):
        self.instance = instance
        self.cleaned_data = dict(values)
        self.changed_data = list(values)

    def save_m2m(self):
        pass


class HistoryAdminMixin:
    """History list with a readable field-by-field diff; version pages; revert with a confirmation step."""

    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"
    history_revert_template = "admin/history/revert_confirm.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            re_path(r"^([^/]+)/history/(\d+)/revert/$", self.admin_site.admin_view(self.history_revert_view),
                    name="%s_%s_history_revert" % info),
            *super().get_urls(),
        ]

    # simple-history's own revert re-posts the whole admin form of the old version, past every rule here:
    # its button is hidden and its POST refused; "Revert to this version" below replaces it.
    def revert_disabled(self, request, obj=None):
        return True

    def has_revert_permission(self, request, obj) -> bool:
        return request.user.has_perm(REVERT_PERMISSION) and self.has_change_permission(request, obj)

    def _history_object(self, request, object_id):
        """The object through the admin's scope (another vendor's is "not found"), or None once deleted."""
        return self.get_object(request, unquote(object_id))

    # --- the list of versions
    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        if not records:
            return
        # the oldest version of the page is compared with the one before it, on the previous page
        older = [*records[1:], records[-1].prev_record]
        for record, before in zip(records, older, strict=True):
            record.history_delta_changes = field_changes(record, before) if before is not None else []

    def _has_field_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def history_view(self, request, object_id, extra_context=None):
        if not self._has_field_history():
            # no field history kept for this model: Django's own action log stands in for it
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        obj = self._history_object(request, object_id)
        can_revert = obj is not None and self.has_revert_permission(request, obj)
        context = {"can_revert": can_revert, "revert_url_name": self._revert_url_name(), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)

    # --- one version
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        if not self._has_field_history() or not is_valid_id(self._history_id_field(), version_id):
            raise Http404
        obj = self._history_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None and self.has_revert_permission(request, obj):
            context["revert_url"] = reverse(self._revert_url_name(), args=[obj.pk, version_id])
        return super().history_form_view(request, object_id, version_id, extra_context=context)

    # --- reverting, after a confirmation page
    def _revert_url_name(self) -> str:
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history_revert"

    def revertable_fields(self, request, obj) -> tuple[list[str], dict]:
        """What this person may edit on the admin's form (read-only fields are left out by get_form), and the
        choices offered for its relations (already vendor-scoped by the admin)."""
        form_fields = self.get_form(request, obj).base_fields
        choices = {name: form_field.queryset for name, form_field in form_fields.items()
                   if getattr(form_field, "queryset", None) is not None}
        return list(form_fields), choices

    def _history_id_field(self):
        return get_history_manager_for_model(self.model).model._meta.get_field("history_id")

    def history_revert_view(self, request, object_id, version_id):
        obj = self._history_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_revert_permission(request, obj):
            raise PermissionDenied
        history = get_history_manager_for_model(self.model)
        version = get_object_or_404(history.filter(**{self.opts.pk.attname: obj.pk}), history_id=version_id)
        fields, choices = self.revertable_fields(request, obj)
        history_url = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history",
                              args=[obj.pk])
        if request.method == "POST":
            try:
                plan = history_revert(obj=obj, version=version, actor=request.user, fields=fields, choices=choices,
                                      save=lambda locked, values: self._save_reverted(request, locked, values))
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self._report_revert(request, obj, plan)
            return redirect(history_url)
        plan = revert_plan(obj=obj, version=version, fields=fields, choices=choices)
        return TemplateResponse(request, self.history_revert_template, {
            **self.admin_site.each_context(request),
            "title": _("Revert %(object)s") % {"object": obj},
            "opts": self.opts, "original": obj, "object": obj, "version": version, "plan": plan,
            "history_url": history_url,
            "version_url": reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
                                   "_simple_history", args=[obj.pk, version.history_id]),
        })

    def _save_reverted(self, request, obj, values):
        self.save_model(request, obj, _RestoredValues(obj, values), change=True)

    def _report_revert(self, request, obj, plan):
        restored = ", ".join(change.label for change in plan.restored)
        self.message_user(request, _("%(object)s reverted: %(fields)s restored.") % {"object": obj, "fields": restored},
                          messages.SUCCESS)
        for label, why in plan.skipped:
            self.message_user(request, _("%(field)s was left as it is: %(reason)s.") % {"field": label, "reason": why},
                              messages.WARNING)
        self.log_change(request, obj, [{"changed": {"fields": [change.label for change in plan.restored]}}])


# --- Activity: what one person changed, across every tracked model
def _user_source_field():
    """The autocomplete widget searches people through the user admin (its search fields and permission);
    it needs a foreign key to User to name: the one recording who wrote a version."""
    return get_history_manager_for_model(get_user_model()).model._meta.get_field("history_user")


class ActivityForm(forms.Form):
    # left empty: the last ACTIVITY_DEFAULT_DAYS days
    since = forms.DateField(label=gettext_lazy("From"), required=False, validators=DATE_RANGE_VALIDATORS,
                            widget=forms.DateInput(attrs={"type": "date", "class": " ".join(INPUT_CLASSES)}))
    until = forms.DateField(label=gettext_lazy("To"), required=False, validators=DATE_RANGE_VALIDATORS,
                            widget=forms.DateInput(attrs={"type": "date", "class": " ".join(INPUT_CLASSES)}))

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        widget = AutocompleteSelect(_user_source_field(), admin_site,
                                    attrs={"data-placeholder": _("Search by name or e-mail")})
        self.fields = {"user": IdChoiceField(
            label=_("Person"), queryset=get_user_model().objects.all(), widget=widget,
            error_messages={"invalid_choice": _("Pick a person from the list.")}), **self.fields}

    def clean(self):
        data = super().clean()
        if not self.has_error("until") and not data.get("until"):
            data["until"] = timezone.localdate()
        if not self.has_error("since") and not data.get("since") and data.get("until"):
            data["since"] = data["until"] - timedelta(days=ACTIVITY_DEFAULT_DAYS - 1)
        since, until = data.get("since"), data.get("until")
        if since and until:
            if since > until:
                self.add_error("until", _("The end date comes before the start date."))
            elif (until - since).days >= ACTIVITY_MAX_DAYS:
                self.add_error("since", _("Pick at most %(days)d days.") % {"days": ACTIVITY_MAX_DAYS})
        return data


def _visible_models(request) -> list:
    """Tracked models whose rows this person may read in the admin."""
    return [model for model in tracked_models()
            if request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")]


def _history_link(row, site) -> str | None:
    opts = row.model._meta
    model_admin = site._registry.get(row.model)
    view = "history" if isinstance(model_admin, SimpleHistoryAdmin) else "change"
    if model_admin is None or row.kind == "-" and view == "change":
        return None
    try:
        return reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_{view}",
                       args=[getattr(row.record, opts.pk.attname)])
    except NoReverseMatch:
        return None


ACTIVITY_MAX_PAGE = 10_000  # far past any real list; bounds the offset the database is asked for


def activity_view(request):
    """Admin page "Activity": one person's changes in a date range (default: the last 7 days), paginated."""
    # the page spans every vendor's records: platform staff only, whatever permissions a seller is given
    if not request.user.has_perm(ACTIVITY_PERMISSION) or not VendorScope.for_request(request).all_vendors:
        raise PermissionDenied
    site = admin.site
    today = timezone.localdate()
    data = request.GET if "user" in request.GET else None
    form = ActivityForm(data, admin_site=site,
                        initial={"since": today - timedelta(days=ACTIVITY_DEFAULT_DAYS - 1), "until": today})
    try:
        page = min(max(int(request.GET.get("page", 1)), 1), ACTIVITY_MAX_PAGE)
    except ValueError:
        page = 1
    rows, has_next = None, False
    if form.is_bound and form.is_valid():
        start, end = activity_window(form.cleaned_data["since"], form.cleaned_data["until"])
        rows = activity_for_user(user=form.cleaned_data["user"], since=start, until=end,
                                 of_models=_visible_models(request), offset=(page - 1) * ACTIVITY_PAGE_SIZE,
                                 limit=ACTIVITY_PAGE_SIZE + 1)
        has_next, rows = len(rows) > ACTIVITY_PAGE_SIZE, rows[:ACTIVITY_PAGE_SIZE]
        for row in rows:
            row.link = _history_link(row, site)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(request, "admin/history/activity.html", {
        **site.each_context(request),
        "title": _("Activity"), "form": form, "media": form.media, "rows": rows, "page": page,
        "has_next": has_next, "has_previous": page > 1, "query": query.urlencode(),
    })
