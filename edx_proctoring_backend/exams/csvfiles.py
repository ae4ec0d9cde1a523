"""CSV files for course staff: safe to open in a spreadsheet."""
import csv
import io

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def cell(value):
    """Spreadsheets run cells that start with =, +, -, @, a tab or a carriage return as formulas: quote those."""
    text = '' if value is None else str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def csv_text(columns, rows):
    """Return CSV text with a header of ``columns`` and one line per dict of ``rows``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: cell(row.get(name)) for name in columns})
    return out.getvalue()


def iso(moment):
    """A date and time as ISO 8601, or '' for none."""
    return moment.isoformat() if moment else ''
