"""Files the console hands out: CSV for spreadsheets, and any generated file."""

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

#: spreadsheet programs set to French read ';' as the column separator and need the BOM
#: to take the file as UTF-8 (accents in names and shops)
CSV_SEPARATOR = ";"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return "\ufeff" + buffer.getvalue()


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
