"""Product files as sellers send them, generated: for bench_import and the import tests."""

from apps.core.exporting import csv_stream, xlsx_file

PRODUCT_COLUMNS = ["slug", "vendor", "category", "name", "description", "brand", "colour", "price",
                   "price_currency", "stock", "low_stock_threshold", "is_active"]
BRANDS = ["Sahel", "Kaloum", "Niger", "Fouta", "Bafing"]
COLOURS = ["red", "blue", "green", "black", "white"]


def product_rows(count: int, *, vendor: str, category: str, prefix: str = "item", start: int = 1) -> list[list]:
    """`count` valid product rows (slug "<prefix>-<n>"), in PRODUCT_COLUMNS order."""
    return [[f"{prefix}-{n}", vendor, category, f"Product {prefix} {n}", f"Sample product number {n}.",
             BRANDS[n % len(BRANDS)], COLOURS[n % len(COLOURS)], str(1000 + n % 5000 * 25), "GNF", str(n % 40),
             "5", "1"]
            for n in range(start, start + count)]


def to_csv(rows: list[list], columns: list[str] = PRODUCT_COLUMNS) -> bytes:
    return b"".join(csv_stream(columns, rows))


def to_xlsx(rows: list[list], columns: list[str] = PRODUCT_COLUMNS) -> bytes:
    with xlsx_file(columns, rows) as spool:
        return spool.read()
