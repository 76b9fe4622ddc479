"""Reads of the analytics app: the report catalogue (reports.py) and the dashboards (dashboards.py)."""
