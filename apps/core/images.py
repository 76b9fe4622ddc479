"""Uploaded images are re-encoded before they are stored: turned upright, stripped of EXIF (a phone photo's
GPS position, camera serial), named by a random id with the extension of what the bytes are, never the
uploader's file name."""

import uuid
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from PIL import Image, ImageOps

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# JPEG has no transparency; palette and other modes are saved as what each format takes.
_MODES = {"JPEG": ("RGB", "L"), "PNG": ("RGB", "RGBA", "L", "LA", "P"), "WEBP": ("RGB", "RGBA")}


def reencoded_image(file, *, max_px: int | None = None) -> ContentFile:
    """The image drawn afresh in its own format with no metadata (EXIF, XMP, comments), upright, shrunk to fit
    max_px when given, named `<random>.<ext>`. The file must already have passed validate_image."""
    file.seek(0)
    with Image.open(file) as original:
        image_format = original.format
        image = ImageOps.exif_transpose(original)
        if max_px:
            image.thumbnail((max_px, max_px))
        if image.mode not in _MODES[image_format]:
            image = image.convert("RGBA" if "A" in image.mode and image_format != "JPEG" else "RGB")
        buffer = BytesIO()
        # Pillow writes EXIF, ICC or text chunks only when given them: saving without them drops them.
        image.save(buffer, format=image_format, **({"quality": 85} if image_format in ("JPEG", "WEBP") else {}))
    file.seek(0)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{EXTENSIONS[image_format]}")


class _CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        cleaned = reencoded_image(content)
        super().save(cleaned.name, cleaned, save)


class CleanImageField(models.ImageField):
    """An ImageField whose every new file is re-encoded by reencoded_image (admin forms and services alike)."""

    attr_class = _CleanImageFieldFile
