"""The rules a promo code's form and its import share: the code's format, and one value per kind."""

import re

from django.utils.translation import gettext as _

from apps.promotions.models import PromoCode

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")


def normalise_code(code: str) -> str:
    """The code as stored (upper case); ValueError with the message to show when it is not a valid code."""
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise ValueError(_("Use 3 to 40 letters, digits, dashes or underscores, e.g. RAMADAN-10."))
    return code


def kind_values(kind, percent_off, amount_off) -> tuple[dict, dict]:
    """Keep only the value of the chosen kind (the other may be a leftover); returns (values, missing-value errors)."""
    if kind == PromoCode.Kind.PERCENT:
        missing = {} if percent_off is not None else {"percent_off": _("Give the percentage taken off, from 0 to 100.")}
        return {"percent_off": percent_off, "amount_off": None}, missing
    if kind == PromoCode.Kind.FIXED:
        missing = {} if amount_off is not None else {"amount_off": _("Give the amount taken off.")}
        return {"percent_off": None, "amount_off": amount_off}, missing
    return {"percent_off": percent_off, "amount_off": amount_off}, {}
