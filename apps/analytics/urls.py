"""Back-office pages of the report catalogue, under /admin/reports/ (signed-in staff; see views for who)."""

from django.contrib import admin
from django.urls import path

from apps.analytics import views

app_name = "analytics"

# admin_view: the admin's own login redirect, CSRF and no-cache handling
urlpatterns = [
    path("", admin.site.admin_view(views.report_list), name="report-list"),
    path("<slug:slug>/", admin.site.admin_view(views.report_detail), name="report-detail"),
    path("<slug:slug>/csv/", admin.site.admin_view(views.report_csv), name="report-csv"),
]
