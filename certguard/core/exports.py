"""Safe text for exported spreadsheets and CSV files."""

from __future__ import annotations

# What Excel, WPS and LibreOffice treat as the start of a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def inert_text(value: object) -> str:
    """A leading formula character gets an apostrophe, so office software shows the text
    instead of running it (OWASP advice). Every exported cell taken from user data goes here."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
