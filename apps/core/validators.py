from django.conf import settings
from django.core.exceptions import ValidationError
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
