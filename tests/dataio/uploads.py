"""Driving the admin's import pages with the test client: upload (dry run, preview), then confirm."""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.dataio.samples import product_rows, to_csv

CSV, XLSX = "0", "1"  # positions in settings.IMPORT_EXPORT_FORMATS


def upload(client, changelist: str, data: bytes, name: str = "products.csv", file_format: str = CSV):
    """POST a file to an admin import page (e.g. changelist="/admin/catalog/product/")."""
    return client.post(f"{changelist}import/", {"format": file_format, "resource": "0",
                                                "import_file": SimpleUploadedFile(name, data)})


def confirm(client, changelist: str, preview):
    """Confirm the import the preview page offers (its confirm form carries the stored file's name)."""
    form = preview.context["confirm_form"]
    return client.post(f"{changelist}process_import/", {name: form.initial.get(name, "") for name in form.fields})


def products_with_two_bad_rows(vendor, category, count=200):
    """`count` product rows; the 51st has a price that is not a number, the 151st no name."""
    rows = product_rows(count, vendor=vendor.slug, category=category.slug)
    rows[50][7] = "cheap"
    rows[150][3] = ""
    return rows, to_csv(rows)
