"""CSV that is safe to open in a spreadsheet: text is never read as a formula.

Excel and LibreOffice run a cell that begins with `=`, `+`, `-` or `@` (and, after a tab or
carriage return, whatever follows) as a formula, so a venue or child named
`=HYPERLINK(...)` would become a live link in a manager's download. OWASP's advice on CSV
injection: prefix such text with a single quote, which the spreadsheet shows as text.
defusedcsv does this too, but misses the tab and carriage return and rewrites `|`, so the
few lines are kept here.
"""

import csv
from numbers import Number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value`, with text a spreadsheet would run prefixed by a quote; numbers untouched."""
    # A number (a negative figure, too) is written by csv as digits, never as a formula.
    if value is None or isinstance(value, Number):
        return value
    text = value if isinstance(value, str) else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else value


class _SafeWriter:
    def __init__(self, out, **fmtparams):
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **fmtparams) -> _SafeWriter:
    """A `csv.writer` whose every text cell goes through `spreadsheet_safe`."""
    return _SafeWriter(out, **fmtparams)
