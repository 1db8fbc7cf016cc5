"""Files the console hands out: CSV for spreadsheets, and any generated file."""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response

#: spreadsheet programs set to French read ';' as the column separator and need the BOM
#: to take the file as UTF-8 (accents in names and shops)
CSV_SEPARATOR = ";"
#: a spreadsheet runs a cell starting with one of these as a formula (CSV injection): a login
#: name or a shop name is chosen by whoever typed it
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: a plain signed number, as amounts are written: a spreadsheet reads it, never runs it
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([inert_cell(title) for title in header])
    for row in rows:
        writer.writerow([inert_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def inert_cell(value: object) -> object:
    """The value as a cell no spreadsheet will run: text that would start a formula gets a
    leading apostrophe, which spreadsheets show as text and do not display."""
    if value is None:
        return ""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    return file_download(filename, csv_text(header, rows).encode(), "text/csv; charset=utf-8")


def file_download(filename: str, data: bytes, mimetype: str) -> Response:
    safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in "._-") or "download"
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )


def cents_for_csv(cents: int) -> str:
    """Euros with a decimal comma and no grouping: what a French spreadsheet reads as a number."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units},{rest:02d}"
