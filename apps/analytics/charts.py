"""Chart.js data for unfold's chart components (unfold ships Chart.js with the admin; nothing from a CDN)."""

import json

PALETTE = ("var(--color-primary-600)", "var(--color-primary-300)", "var(--color-base-400)")


def chart_json(labels, datasets) -> str:
    """labels: the x axis; datasets: [(label, values)]. Values are drawn, never computed with: floats are fine."""
    return json.dumps({
        "labels": [str(label) for label in labels],
        "datasets": [
            {"label": str(label), "data": [float(value or 0) for value in values],
             "backgroundColor": PALETTE[index % len(PALETTE)], "borderColor": PALETTE[index % len(PALETTE)],
             "maxTicksXLimit": 12}
            for index, (label, values) in enumerate(datasets)
        ],
    })


def chart_legend(labels) -> list[dict]:
    """The datasets' names and colours, shown under a chart (unfold hides Chart.js's own legend)."""
    return [{"label": str(label), "color": PALETTE[index % len(PALETTE)]} for index, label in enumerate(labels)]


def report_chart(report, rows: list[dict]) -> str | None:
    """The report's chart over its rows (the first `limit` of them), or None when there is nothing to draw."""
    spec = report.chart
    if spec is None:
        return None
    rows = rows[: spec.limit] if spec.limit else rows
    columns = {column.key: column for column in report.columns}
    if not any(row.get(key) for row in rows for key in spec.values):
        return None
    label = columns[spec.label]
    return chart_json([label.display(row.get(spec.label)) for row in rows],
                      [(columns[key].label, [row.get(key) for row in rows]) for key in spec.values])
