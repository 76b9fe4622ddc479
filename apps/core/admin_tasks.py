"""django-q2's admin pages in the unfold back office.

django_q registers plain Django ModelAdmins; these subclasses keep their behaviour (annotated
schedules, the ORM-broker queue, resubmission that deletes the failure it replaces) and add
unfold's look. Imported from CoreConfig.ready(), which runs after the admin autodiscovery
that registered django_q's own classes.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_q.admin import FailAdmin as DjangoQFailureAdmin
from django_q.admin import QueueAdmin as DjangoQQueueAdmin
from django_q.admin import ScheduleAdmin as DjangoQScheduleAdmin
from django_q.admin import TaskAdmin as DjangoQSuccessAdmin
from django_q.admin import resubmit_task
from django_q.models import Failure, OrmQ, Schedule, Success
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import action, display


class TaskResultAdminMixin:
    """Task results are records: listed and opened read-only, resubmitted by those who may change them."""

    list_filter = [("started", RangeDateTimeFilter), "func", "group", "cluster"]
    list_filter_submit = True
    actions = ["resubmit"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_resubmit_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @action(description=_("Resubmit selected tasks to queue"), permissions=["resubmit"])
    def resubmit(self, request, queryset):
        resubmit_task(self, request, queryset)


class SuccessAdmin(TaskResultAdminMixin, DjangoQSuccessAdmin, ModelAdmin):
    list_display = ["name", "func", "group", "started", "stopped", "time_taken", "attempt_count"]

    @display(description=_("Time taken"))
    def time_taken(self, obj):
        return f"{obj.time_taken():.2f} s"


class FailureAdmin(TaskResultAdminMixin, DjangoQFailureAdmin, ModelAdmin):
    list_display = ["name", "func", "group", "started", "attempt_count", "short_result"]


class ScheduleAdmin(DjangoQScheduleAdmin, ModelAdmin):
    @display(description=_("Last run"))
    def get_last_run(self, obj):
        return super().get_last_run(obj)


class QueueAdmin(DjangoQQueueAdmin, ModelAdmin):
    pass


for model, model_admin in [(Schedule, ScheduleAdmin), (Success, SuccessAdmin), (Failure, FailureAdmin),
                           (OrmQ, QueueAdmin)]:
    # django_q registers the queue only for the ORM broker or under test; mirror that choice.
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
