from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models.fields import AutoFieldMixin
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_image(file) -> None:
    """Accept only real JPEG/PNG/WebP images under the configured size cap."""
    max_bytes = getattr(settings, "MAX_IMAGE_UPLOAD_BYTES", 5 * 1024 * 1024)
    if file.size > max_bytes:
        raise ValidationError(_("The image is larger than %(mb)s MB."), params={"mb": max_bytes // (1024 * 1024)})
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a readable image.")) from None
    finally:
        file.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(_("Only JPEG, PNG and WebP images are accepted."))


# Dates a filter may ask for: far enough either way for any record, and clear of date.min/date.max, where a
# period's arithmetic (the day after, the period before) would overflow.
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2999, 12, 31)
DATE_RANGE_VALIDATORS = [
    MinValueValidator(FIRST_DATE, message=_("Pick a date from %(limit_value)s on.")),
    MaxValueValidator(LAST_DATE, message=_("Pick a date up to %(limit_value)s.")),
]


def is_valid_id(field, value) -> bool:
    """Whether a value typed into a URL or form can be an id of this model field (a number the database can
    hold, for an integer key), so that looking it up answers "not found" instead of overflowing."""
    try:
        value = field.to_python(value)
        field.run_validators(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(field, AutoFieldMixin) or value > 0  # the database numbers its rows from 1
