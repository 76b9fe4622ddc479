from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.geo import services
from apps.geo.forms import AddressBookForm
from apps.geo.models import Address
from apps.geo.selectors import address_list_for_user, neighbourhood_choices, prefecture_choices

# the level asked for -> (the parent whose id narrows it, its choices)
OPTION_LEVELS = {"prefecture": ("region", prefecture_choices), "neighbourhood": ("prefecture", neighbourhood_choices)}


@require_GET
def options(request, level):
    """The <option>s of a prefecture or neighbourhood <select> for a parent id: `?parent=<id>`, or the
    prefixed field htmx sends (e.g. `address-region=<id>`)."""
    if level not in OPTION_LEVELS:
        raise Http404
    parent, choices_for = OPTION_LEVELS[level]
    value = request.GET.get("parent") or next(
        (v for key, v in request.GET.items() if key == parent or key.endswith(f"-{parent}")), "")
    parent_id = int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None  # fits a bigint
    # plain choices sit in a group without a label, so the template has one shape to render
    groups = [(value, label) if isinstance(label, list) else (None, [(value, label)])
              for value, label in choices_for(parent_id)]
    return render(request, "geo/partials/_options.html", {"groups": groups})


def _own_address(request, pk) -> Address:
    # someone else's address is a 404, as if it did not exist
    return get_object_or_404(Address, pk=pk, user=request.user)


@login_required
@require_GET
def address_list(request):
    return render(request, "geo/address_list.html", {"addresses": address_list_for_user(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request, pk=None):
    address = _own_address(request, pk) if pk else Address(user=request.user)
    initial = {} if pk else {"full_name": request.user.full_name, "phone": request.user.phone}
    form = AddressBookForm(request.POST or None, instance=address, initial=initial, cascade=True)
    if request.method == "POST" and form.is_valid():
        services.address_save(address=form.save(commit=False), user=request.user)
        messages.success(request, _("Address saved."))
        return redirect("geo:address-list")
    return render(request, "geo/address_form.html", {"form": form, "address": address})


@login_required
@require_http_methods(["GET", "POST"])
def address_delete(request, pk):
    address = _own_address(request, pk)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, _("Address deleted."))
        return redirect("geo:address-list")
    return render(request, "geo/address_confirm_delete.html", {"address": address})


@login_required
@require_POST
def address_set_default(request, pk):
    services.address_set_default(address=_own_address(request, pk))
    messages.success(request, _("Default address changed."))
    return redirect("geo:address-list")
