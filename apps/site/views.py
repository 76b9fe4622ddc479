from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.vendors.models import Vendor


@require_GET
def home(request):
    vendors = Vendor.objects.active().order_by("name")
    return render(request, "core/home.html", {"vendors": vendors})
