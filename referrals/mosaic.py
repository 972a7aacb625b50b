"""Import of children and referrals from a Mosaic CSV export (columns: docs/mosaic-import.md).

Rows are matched by Mosaic id, so importing the same file twice changes nothing. Every row is
checked before anything is written: a file with a refused row writes nothing unless the
person asks for the valid rows alone, and the whole import is one transaction.

An import changes only what the importer could change by hand: a team leader's rows are the
children and referrals of the areas they lead. A preview reads and never writes, so it holds
no write lock (SQLite takes one at the start of any transaction here), and a file is capped
at MAX_ROWS rows so that the import's one transaction stays short.
"""

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from venues.models import Area

from .intake import sibling_group_join
from .models import Child, Referral
from .selectors import referrals_for_user

COLUMNS = [
    "referral_id",
    "child_id",
    "child_first_name",
    "child_date_of_birth",
    "area",
    "placement",
    "out_of_county",
    "referrer_name",
    "referrer_team",
    "received_on",
    "priority",
]
REQUIRED = [
    "referral_id",
    "child_id",
    "child_first_name",
    "child_date_of_birth",
    "area",
    "referrer_name",
    "received_on",
    "priority",
]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
PRIORITIES = {
    "court": Referral.Priority.COURT,
    "risk": Referral.Priority.RISK,
    "significant risk": Referral.Priority.RISK,
    "standard": Referral.Priority.STANDARD,
    "long-term": Referral.Priority.STANDARD,
    "long term": Referral.Priority.STANDARD,
}
# Some 18 referrals arrive a month: a larger file is not a monthly export, and capping it keeps
# the import's one transaction (and its write lock) short.
MAX_ROWS = 2000
# One text for every row the importer may not import, whether or not its ids exist elsewhere:
# a refusal must not tell a team leader what another area holds.
NOT_YOURS = "not yours to import: the child and the referral must be in an area you lead"
NUL_HINT = "save the file as CSV (UTF-8) from the spreadsheet"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,34}$")
# Bytes that are not UTF-8 are kept as lone surrogates when decoding, so the row holding
# them can be named rather than the whole file refused.
NOT_UTF8 = re.compile("[\udc80-\udcff]")


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class RowResult:
    number: int  # the line in the file, the header being line 1
    outcome: str = ""
    reasons: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.reasons)

    @property
    def label(self) -> str:
        return f"{self.values.get('referral_id', '')} / {self.values.get('child_id', '')}"


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.refused]

    @property
    def valid(self) -> list[RowResult]:
        return [row for row in self.rows if not row.refused]

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(row.outcome or Outcome.REFUSED for row in self.rows)
        return {o: counts.get(o, 0) for o in ("created", "updated", "unchanged", "refused")}

    def refusal_lines(self) -> list[str]:
        lines = [f"Row 1 (header): {error}" for error in self.file_errors]
        lines += [f"Row {row.number}: {'; '.join(row.reasons)}" for row in self.refused]
        return lines


class _FileRefused(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class _Parsed:
    row: RowResult
    referral_id: str
    child_id: str
    child: dict
    referral: dict


def _date(value: str, column: str, reasons: list[str]) -> dt.date | None:
    value = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    reasons.append(f"bad date in {column}: {value!r} (use YYYY-MM-DD or DD/MM/YYYY)")
    return None


def _areas() -> dict[str, Area]:
    found = {}
    for area in Area.objects.all():
        found[area.code.lower()] = area
        found[area.name.lower()] = area
    return found


def _csv_reader(content: bytes):
    text = content.decode("utf-8", errors="surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    return csv.reader(io.StringIO(text, newline=""))


def _header_errors(names: list[str]) -> list[str]:
    """What is wrong with the header's (stripped, lower-cased) column names."""
    if any(NOT_UTF8.search(name) for name in names):
        return ["wrong encoding: the header is not UTF-8"]
    if any("\x00" in name for name in names):
        return [f"a NUL byte in the header: {NUL_HINT}"]
    missing = [name for name in COLUMNS if name not in names]
    extra = [name for name in names if name not in COLUMNS]
    doubled = sorted(name for name, n in Counter(names).items() if n > 1)
    errors = []
    if missing:
        errors.append(f"missing columns: {', '.join(missing)}")
    if extra:
        errors.append(f"extra columns: {', '.join(n or '(blank)' for n in extra)}")
    if doubled:
        errors.append(f"columns given twice: {', '.join(doubled)}")
    return errors


def _shape_error(values: list[str], width: int) -> str:
    """Why the line's values cannot be read as the header's columns ("" if they can)."""
    if any(NOT_UTF8.search(v) for v in values):
        return "wrong encoding: the row is not UTF-8 (save the file as UTF-8)"
    if any("\x00" in v for v in values):
        # PostgreSQL cannot store NUL in text: refused here rather than failing the write.
        return f"a NUL byte in the row: {NUL_HINT}"
    if len(values) > width:
        return f"extra columns: {len(values)} values where the header has {width}"
    if len(values) < width:
        return f"missing columns: {len(values)} values where the header has {width}"
    return ""


def _check_ids_and_required(data: dict[str, str], reasons: list[str]) -> None:
    for column in ("referral_id", "child_id"):
        if not data[column]:
            reasons.append(f"missing id: {column} is empty")
        elif not ID_PATTERN.match(data[column]):
            reasons.append(f"bad id in {column}: {data[column]!r}")
    for column in REQUIRED:
        if column not in ("referral_id", "child_id") and not data[column]:
            reasons.append(f"{column} is empty")


def _row_details(
    data: dict[str, str], areas: dict[str, Area], reasons: list[str]
) -> tuple[dict, dict]:
    """The row's child and referral fields; what is wrong with them is added to `reasons`.

    The fields are only meant to be used when no reason was added.
    """
    _check_ids_and_required(data, reasons)
    born = (
        _date(data["child_date_of_birth"], "child_date_of_birth", reasons)
        if data["child_date_of_birth"]
        else None
    )
    received = _date(data["received_on"], "received_on", reasons) if data["received_on"] else None
    area = areas.get(data["area"].lower())
    if data["area"] and area is None:
        reasons.append(f"unknown area: {data['area']!r}")
    priority = PRIORITIES.get(data["priority"].lower())
    if data["priority"] and priority is None:
        reasons.append(f"unknown priority: {data['priority']!r} (court, risk or standard)")
    out_flag = data["out_of_county"].lower()
    if out_flag not in YES | NO:
        reasons.append(f"out_of_county must be yes or no, not {data['out_of_county']!r}")
    if born and received and born > received:
        reasons.append("the child's date of birth is after the referral was received")
    child = {
        "first_name": data["child_first_name"],
        "date_of_birth": born,
        "area": area,
        "placement": data["placement"],
        "out_of_county": out_flag in YES,
    }
    referral = {
        "referrer_name": data["referrer_name"],
        "referrer_team": data["referrer_team"],
        "received_on": received,
        "priority": priority,
    }
    return child, referral


def _parse_rows(reader, names: list[str], rows: list[RowResult]) -> list[_Parsed]:
    """Each line but blank ones as a RowResult added to `rows`; returns those that passed.

    A row is checked against the rows above it too: the same referral and child twice, or
    one child with different details, refuses the later row.
    """
    areas = _areas()
    seen_pairs: dict[tuple[str, str], int] = {}
    seen_children: dict[str, tuple[int, dict]] = {}
    parsed = []
    for values in reader:
        number = reader.line_num
        if not any(v.strip() for v in values):
            continue  # blank lines are not rows
        if len(rows) == MAX_ROWS:
            raise _FileRefused(
                f"the file has more than {MAX_ROWS:,} rows: import at most {MAX_ROWS:,} rows "
                "at a time (split the file)"
            )
        row = RowResult(number=number)
        rows.append(row)
        reasons = row.reasons
        if shape_error := _shape_error(values, len(names)):
            reasons.append(shape_error)
            continue
        data = {name: value.strip() for name, value in zip(names, values, strict=True)}
        row.values = data
        child, referral = _row_details(data, areas, reasons)
        pair = (data["referral_id"], data["child_id"])
        if all(pair) and pair in seen_pairs:
            reasons.append(f"duplicate row: same referral and child as row {seen_pairs[pair]}")
        if reasons:
            continue
        seen_pairs[pair] = number
        earlier = seen_children.get(data["child_id"])
        if earlier and earlier[1] != child:
            reasons.append(f"child {data['child_id']} has different details on row {earlier[0]}")
            continue
        seen_children.setdefault(data["child_id"], (number, child))
        parsed.append(_Parsed(row, data["referral_id"], data["child_id"], child, referral))
    return parsed


def _refuse_disagreeing_referrals(parsed: list[_Parsed]) -> None:
    """A referral's rows must agree on the referral's own details: later ones are refused."""
    first_of: dict[str, _Parsed] = {}
    for item in parsed:
        first = first_of.setdefault(item.referral_id, item)
        if first is not item and first.referral != item.referral:
            item.row.reasons.append(
                f"referral {item.referral_id} has different details on row {first.row.number}"
            )


def _parse(content: bytes) -> tuple[ImportResult, list[_Parsed]]:
    """Check the header, then every row; returns the result and the rows fit to write."""
    result = ImportResult()
    reader = _csv_reader(content)
    header = next(reader, None)
    if header is None:
        result.file_errors.append("the file is empty")
        return result, []
    names = [name.strip().lower() for name in header]
    result.file_errors += _header_errors(names)
    if result.file_errors:
        return result, []
    try:
        parsed = _parse_rows(reader, names, result.rows)
    except _FileRefused as refusal:
        result.rows.clear()
        result.file_errors.append(str(refusal))
        return result, []
    except csv.Error:
        # The csv module's only error on text it has decoded is a value over its field limit.
        result.rows.clear()
        result.file_errors.append(
            f"row {reader.line_num} has a value longer than {csv.field_size_limit():,} "
            "characters: is the file a Mosaic export?"
        )
        return result, []
    _refuse_disagreeing_referrals(parsed)
    return result, [item for item in parsed if not item.row.refused]


def _county_wide(importer: AbstractBaseUser | None) -> bool:
    return importer is None or (
        importer.has_perm("scheduling.plan_rota")
        and importer.has_perms(["referrals.change_referral", "referrals.change_child"])
    )


def _refuse_rows_not_the_importers(
    parsed: list[_Parsed], importer: AbstractBaseUser | None
) -> None:
    """Refuse each row whose child or referral the importer may not change by hand.

    A team leader's rows are those whose child is, and stays, in an area they lead and whose
    referral, if it exists, is one they may open (referrals_for_user).
    """
    if _county_wide(importer):
        return
    can_import = importer.has_perms(
        ["referrals.add_referral", "referrals.change_referral", "referrals.change_child"]
    )
    own_areas = set(Area.objects.filter(team_leader=importer).values_list("pk", flat=True))
    child_ids = {item.child_id for item in parsed}
    referral_ids = {item.referral_id for item in parsed}
    child_areas = dict(
        Child.objects.filter(mosaic_id__in=child_ids).values_list("mosaic_id", "area_id")
    )
    existing_referrals = set(
        Referral.objects.filter(mosaic_id__in=referral_ids).values_list("mosaic_id", flat=True)
    )
    own_referrals = set(
        referrals_for_user(user=importer)
        .filter(mosaic_id__in=referral_ids)
        .values_list("mosaic_id", flat=True)
    )
    for item in parsed:
        if item.row.refused:
            continue
        child_area = child_areas.get(item.child_id, item.child["area"].pk)
        ours = (
            can_import
            and item.child["area"].pk in own_areas
            and child_area in own_areas
            and (item.referral_id not in existing_referrals or item.referral_id in own_referrals)
        )
        if not ours:
            item.row.reasons.append(NOT_YOURS)


def _apply(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        current = getattr(obj, name)
        if name == "area":
            current, value = obj.area_id, value.pk
        if current != value:
            setattr(obj, name if name != "area" else "area_id", value)
            changed = True
    return changed


def _save(obj, outcome: str, *, save: bool) -> str:
    obj.full_clean()
    if save:
        obj.save()
    return outcome


def _write(items: list[_Parsed], *, save: bool) -> None:
    """Work out each row's outcome and, with `save`, write it.

    Without `save` only reads are made (the checks of `full_clean()` included), so a preview
    opens no transaction and foretells exactly what the import would do.
    """
    children_ids = {item.child_id for item in items}
    referral_ids = {item.referral_id for item in items}
    children = {c.mosaic_id: c for c in Child.objects.filter(mosaic_id__in=children_ids)}
    referrals = {r.mosaic_id: r for r in Referral.objects.filter(mosaic_id__in=referral_ids)}
    links = set(
        Referral.children.through.objects.filter(referral__mosaic_id__in=referral_ids).values_list(
            "referral__mosaic_id", "child__mosaic_id"
        )
    )
    members: dict[str, list[Child]] = {}
    for item in items:
        touched = []
        child = children.get(item.child_id)
        if child is None:
            child = Child(mosaic_id=item.child_id, reference=f"C-{item.child_id}", **item.child)
            children[item.child_id] = child
            touched.append(_save(child, Outcome.CREATED, save=save))
        elif _apply(child, item.child):
            touched.append(_save(child, Outcome.UPDATED, save=save))
        referral = referrals.get(item.referral_id)
        if referral is None:
            referral = Referral(
                mosaic_id=item.referral_id, reference=f"R-{item.referral_id}", **item.referral
            )
            referrals[item.referral_id] = referral
            touched.append(_save(referral, Outcome.CREATED, save=save))
        elif _apply(referral, item.referral):
            touched.append(_save(referral, Outcome.UPDATED, save=save))
        if (item.referral_id, item.child_id) not in links:
            links.add((item.referral_id, item.child_id))
            if save:
                referral.children.add(child)
            touched.append(Outcome.UPDATED)
        members.setdefault(item.referral_id, []).append(child)
        if Outcome.CREATED in touched:
            item.row.outcome = Outcome.CREATED
        elif touched:
            item.row.outcome = Outcome.UPDATED
        else:
            item.row.outcome = Outcome.UNCHANGED
    if save:
        for children_of_referral in members.values():
            sibling_group_join(children=children_of_referral)


def mosaic_import(
    *,
    content: bytes,
    importer: AbstractBaseUser | None,
    valid_only: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row, then write the file (or its valid rows) in one transaction.

    `importer` is the person importing: the rows they may not change by hand are refused.
    None is an operator at the command line, who imports for the whole county.
    With `dry_run` nothing is written: the preview shows what an import would create, update
    or leave unchanged.
    """
    result, items = _parse(content)
    _refuse_rows_not_the_importers(items, importer)
    items = [item for item in items if not item.row.refused]
    if result.file_errors or (result.refused and not valid_only):
        for row in result.rows:
            row.outcome = Outcome.REFUSED if row.refused else ""
        return result
    for row in result.refused:
        row.outcome = Outcome.REFUSED
    if result.refused and not items:
        return result  # every row refused: nothing is written
    try:
        if dry_run:
            _write(items, save=False)
            return result
        with transaction.atomic():
            _write(items, save=True)
    except ValidationError as error:
        # A rule only the database knows (a reference already in use) refuses the file as a
        # whole: nothing is half-written.
        result.file_errors.append(f"could not be written: {'; '.join(error.messages)}")
        return result
    result.written = True
    return result
