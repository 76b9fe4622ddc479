"""Where uploaded files live and how they leave.

Two storages (settings.STORAGES): "public" for what anybody may see (product photos, thumbnails, store
logos), served by its storage URL; "private" for what only some people may see (return photos, import
files and their error reports), served only by views that check who asks. Each is local disk by default
and S3-compatible by MEDIA_S3_* settings; a private file then leaves as a short-lived signed URL.
"""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponseRedirect
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header


class _NamedStorage(LazyObject):
    """settings.STORAGES[alias], looked up when first used (and again after the settings change in tests)."""

    def __init__(self, alias):
        super().__init__()
        self.__dict__["_alias"] = alias

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]


_PUBLIC = _NamedStorage("public")
_PRIVATE = _NamedStorage("private")


def public_storage():
    """For FileField(storage=...): files anybody may fetch by URL."""
    return _PUBLIC


def private_storage():
    """For FileField(storage=...): files served only through permission-checked views."""
    return _PRIVATE


@receiver(setting_changed)
def _forget_storages(*, setting, **kwargs):
    if setting == "STORAGES":
        for proxy in (_PUBLIC, _PRIVATE):
            proxy._wrapped = empty


def private_file_response(field_file, *, filename: str, content_type: str | None = None):
    """A private file for somebody the caller has already allowed to see it: streamed from local disk, or a
    redirect to a signed URL that expires in MEDIA_S3_SIGNED_URL_SECONDS. Always a download (attachment,
    nosniff): a file somebody uploaded never runs as a page of our origin."""
    storage = field_file.storage
    if isinstance(getattr(storage, "_wrapped", storage), FileSystemStorage):
        response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename,
                                content_type=content_type)
    else:
        parameters = {"ResponseContentDisposition": content_disposition_header(True, filename)}
        if content_type:
            parameters["ResponseContentType"] = content_type
        response = HttpResponseRedirect(storage.url(field_file.name, parameters=parameters))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def move_into_private_storage(model, field_name: str) -> int:
    """For a data migration: files uploaded before the private storage existed sit in MEDIA_ROOT, where a URL
    reaches them; move each into the private storage under the same name. Returns how many moved."""
    old, private = FileSystemStorage(), private_storage()
    moved = 0
    for name in model.objects.exclude(**{field_name: ""}).values_list(field_name, flat=True).iterator():
        if old.exists(name) and not private.exists(name):
            with old.open(name) as source:
                private.save(name, source)
            old.delete(name)
            moved += 1
    return moved
