from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from apps.geo.models import Neighbourhood, Prefecture, Region


class PrefectureInline(TabularInline):
    model = Prefecture
    extra = 0
    fields = ["name", "code"]


@admin.register(Region)
class RegionAdmin(ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [PrefectureInline]


@admin.register(Prefecture)
class PrefectureAdmin(ModelAdmin):
    list_display = ["name", "region", "code"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ModelAdmin):
    list_display = ["name", "commune", "prefecture", "code", "latitude", "longitude"]
    list_filter = ["prefecture", "commune"]
    list_select_related = ["prefecture"]
    search_fields = ["name", "commune", "code"]
