"""Delivery bits for templates: map links, and the buyer's courier-rating panel on the order page."""

from django import template

from apps.delivery.forms import CourierRatingForm
from apps.delivery.selectors import rating_state
from apps.delivery.services import is_courier_once

register = template.Library()


@register.simple_tag
def osm_url(latitude, longitude) -> str:
    """A link to OpenStreetMap centred on the point (a link, never an embedded map); "" when unknown."""
    if latitude is None or longitude is None:
        return ""
    # str(), not the template's localized rendering: "9,5125" would be another place
    lat, lng = str(latitude), str(longitude)
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


@register.inclusion_tag("delivery/courier/_rating_panel.html", takes_context=True)
def courier_rating_panel(context, order):
    """On the buyer's order page once a courier has delivered it: the rating form, or the rating given."""
    request = context.get("request")
    user = getattr(request, "user", None)
    state = rating_state(order=order, user=user) if user is not None and user.is_authenticated else None
    # an inclusion tag starts from an empty context: hand the form its CSRF token
    return {"order": order, "state": state, "form": CourierRatingForm(auto_id="rating_%s"),
            "csrf_token": context.get("csrf_token")}


@register.filter
def is_courier(user) -> bool:
    """For the site header's "Courier" link; asked once per request (kept on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_courier_once(user)
