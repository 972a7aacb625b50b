"""Mosaic CSV import: good files, re-imports, and every kind of broken row refused by name."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.models import Child, Referral, SiblingGroup
from referrals.mosaic import COLUMNS, MAX_ROWS, mosaic_import
from tests.factories import AreaFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "mosaic-example.csv"
HEADER = ",".join(COLUMNS)
GOOD = [
    "900001,700001,Amelia,2016-04-12,north,Foster carer,no,Priya Shah,CiC North,2026-11-02,court",
    "900001,700002,Jacob,2019-09-30,north,Foster carer,no,Priya Shah,CiC North,2026-11-02,court",
    "900002,700003,Leo,14/01/2012,Central,Kinship,no,Tom Hughes,Fostering,03/11/2026,risk",
]


@pytest.fixture(autouse=True)
def areas():
    return [AreaFactory(code=c, name=c.title()) for c in ("north", "central", "south")]


def _file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _snapshot():
    return (
        list(Child.objects.order_by("pk").values()),
        list(Referral.objects.order_by("pk").values()),
        list(Referral.children.through.objects.order_by("pk").values()),
        list(SiblingGroup.objects.order_by("pk").values()),
    )


def test_a_good_file_creates_children_referrals_and_a_sibling_group():
    result = mosaic_import(importer=None, content=_file(*GOOD))
    assert result.written
    assert result.counts == {"created": 3, "updated": 0, "unchanged": 0, "refused": 0}
    amelia = Child.objects.get(mosaic_id="700001")
    assert amelia.reference == "C-700001"
    assert amelia.area.code == "north"
    referral = Referral.objects.get(mosaic_id="900001")
    assert referral.status == Referral.Status.RECEIVED
    assert referral.priority == Referral.Priority.COURT
    assert referral.children.count() == 2
    assert amelia.sibling_group == Child.objects.get(mosaic_id="700002").sibling_group
    leo = Child.objects.get(mosaic_id="700003")
    assert leo.date_of_birth == dt.date(2012, 1, 14)
    assert leo.sibling_group is None


def test_re_importing_the_same_file_changes_nothing():
    mosaic_import(importer=None, content=_file(*GOOD))
    before = _snapshot()
    result = mosaic_import(importer=None, content=_file(*GOOD))
    assert result.written
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 3, "refused": 0}
    assert _snapshot() == before


def test_a_changed_row_updates_the_child_matched_by_mosaic_id():
    mosaic_import(importer=None, content=_file(*GOOD))
    moved = GOOD[2].replace("Central", "south")
    result = mosaic_import(importer=None, content=_file(GOOD[0], GOOD[1], moved))
    assert result.counts["updated"] == 1
    assert Child.objects.get(mosaic_id="700003").area.code == "south"
    assert Child.objects.count() == 3


def test_an_existing_child_is_matched_not_duplicated():
    child = ChildFactory(mosaic_id="700003", first_name="Leo")
    mosaic_import(importer=None, content=_file(GOOD[2]))
    assert Child.objects.filter(mosaic_id="700003").get().pk == child.pk


BROKEN = [
    (",700009,Ann,2016-01-01,north,,no,Sam,,2026-11-02,court", "missing id: referral_id"),
    ("900009,,Ann,2016-01-01,north,,no,Sam,,2026-11-02,court", "missing id: child_id"),
    ("900009,700009,Ann,2016-02-31,north,,no,Sam,,2026-11-02,court", "bad date"),
    ("900009,700009,Ann,2016-01-01,north,,no,Sam,,yesterday,court", "bad date in received_on"),
    ("900009,700009,Ann,2016-01-01,westeros,,no,Sam,,2026-11-02,court", "unknown area"),
    ("900009,700009,Ann,2016-01-01,north,,no,Sam,,2026-11-02,urgent", "unknown priority"),
    ("900009,700009,Ann,2016-01-01,north,,no,Sam,,2026-11-02,court,surplus", "extra columns"),
    ("900009,700009,Ann,2016-01-01,north,,no,Sam,,2026-11-02", "missing columns"),
    (GOOD[0], "duplicate row: same referral and child as row 2"),
]


@pytest.mark.parametrize(("row", "reason"), BROKEN, ids=[b[1] for b in BROKEN])
def test_each_broken_row_is_refused_by_number_and_reason_and_nothing_is_written(row, reason):
    result = mosaic_import(importer=None, content=_file(GOOD[0], row, GOOD[2]))
    assert not result.written
    assert [r.number for r in result.refused] == [3]
    assert reason in result.refused[0].reasons[0]
    assert result.refusal_lines()[0].startswith("Row 3: ")
    assert Child.objects.count() == 0
    assert Referral.objects.count() == 0


def test_a_row_that_is_not_utf8_is_refused_by_its_number():
    content = _file(*GOOD).replace(b"Leo", "Léo".encode("latin-1"))
    result = mosaic_import(importer=None, content=content)
    assert [(r.number, r.reasons[0][:14]) for r in result.refused] == [(4, "wrong encoding")]
    assert Child.objects.count() == 0


def test_a_whole_latin1_file_is_refused_row_by_row():
    content = _file(*GOOD).decode().replace("Amelia", "Amélia").encode("cp1252")
    result = mosaic_import(importer=None, content=content)
    assert [r.number for r in result.refused] == [2]


def test_a_header_with_missing_or_extra_columns_refuses_the_whole_file():
    header = HEADER.replace(",priority", ",urgency")
    result = mosaic_import(importer=None, content=_file(*GOOD, header=header), valid_only=True)
    assert result.refusal_lines() == [
        "Row 1 (header): missing columns: priority",
        "Row 1 (header): extra columns: urgency",
    ]
    assert Child.objects.count() == 0


def test_the_valid_rows_alone_are_imported_when_asked():
    result = mosaic_import(
        importer=None, content=_file(GOOD[0], BROKEN[4][0], GOOD[2]), valid_only=True
    )
    assert result.written
    assert result.counts == {"created": 2, "updated": 0, "unchanged": 0, "refused": 1}
    assert set(Child.objects.values_list("mosaic_id", flat=True)) == {"700001", "700003"}


def test_a_row_the_database_refuses_leaves_nothing_half_written():
    ChildFactory(reference="C-700003", mosaic_id=None)  # the reference the import would take
    result = mosaic_import(importer=None, content=_file(*GOOD))
    assert not result.written
    assert "could not be written" in result.file_errors[0]
    assert Referral.objects.count() == 0
    assert Child.objects.count() == 1


def test_a_dry_run_reports_what_would_happen_and_writes_nothing():
    result = mosaic_import(importer=None, content=_file(*GOOD), dry_run=True)
    assert result.counts["created"] == 3
    assert not result.written
    assert Child.objects.count() == 0


def test_the_documented_example_file_imports(capsys):
    call_command("import_mosaic", str(EXAMPLE))
    assert "5 created" in capsys.readouterr().out
    assert Child.objects.get(mosaic_id="884633").out_of_county is True
    call_command("import_mosaic", str(EXAMPLE))
    assert "5 unchanged" in capsys.readouterr().out


def test_the_command_refuses_a_broken_file_and_names_the_rows(tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_bytes(_file(GOOD[0], BROKEN[0][0]))
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_mosaic", str(path))
    assert "Row 3: missing id: referral_id is empty" in capsys.readouterr().err
    assert Child.objects.count() == 0
    call_command("import_mosaic", str(path), "--valid-only")
    assert Child.objects.count() == 1


# --- the upload page ----------------------------------------------------------------------


@pytest.fixture
def deputy(client):
    user = UserFactory(groups=["Deputy team leader"])
    client.force_login(user)
    return user


def _upload(client, content: bytes, name="mosaic.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("casework:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_the_upload_page_previews_without_writing_then_imports_on_confirmation(client, deputy):
    response = _upload(client, _file(*GOOD))
    assert response.status_code == 200
    assert b"would be created" in response.content
    assert Child.objects.count() == 0
    response = client.post(reverse("casework:import_confirm"), {"mode": "all"})
    assert response.status_code == 302
    assert Child.objects.count() == 3


def test_the_upload_page_shows_refused_rows_and_imports_valid_rows_only_when_chosen(client, deputy):
    response = _upload(client, _file(GOOD[0], BROKEN[4][0]))
    assert b"Row 3" in response.content
    assert b"unknown area" in response.content
    response = client.post(reverse("casework:import_confirm"), {"mode": "all"})
    assert Child.objects.count() == 0
    response = client.post(reverse("casework:import_confirm"), {"mode": "valid_only"})
    assert response.status_code == 302
    assert Child.objects.count() == 1


def test_the_upload_page_is_refused_to_a_contact_worker(client):
    client.force_login(UserFactory(groups=["Contact worker"]))
    assert client.get(reverse("casework:import")).status_code == 403


def test_confirming_needs_a_post(client, deputy):
    assert client.get(reverse("casework:import_confirm")).status_code == 405


# --- who may import what: a team leader's rows are their own areas' ---------------------


@pytest.fixture
def north_leader(areas):
    user = UserFactory(groups=["Team leader"])
    areas[0].team_leader = user
    areas[0].save()
    return user


@pytest.fixture
def south_case(areas):
    """A South child and referral, imported by an operator, led by another team leader."""
    areas[2].team_leader = UserFactory(groups=["Team leader"])
    areas[2].save()
    mosaic_import(
        importer=None,
        content=_file(
            "900050,700050,Maya,2015-05-05,south,Kinship,no,Ann Lee,CiC South,2026-11-01,standard"
        ),
    )
    return Referral.objects.get(mosaic_id="900050")


def test_a_team_leader_imports_their_own_areas_rows_and_not_another_areas(north_leader):
    result = mosaic_import(importer=north_leader, content=_file(*GOOD), valid_only=True)
    assert result.written
    assert result.counts == {"created": 2, "updated": 0, "unchanged": 0, "refused": 1}
    assert [r.number for r in result.refused] == [4]
    assert not Child.objects.filter(mosaic_id="700003").exists()


def test_a_team_leaders_import_cannot_take_another_areas_child_and_referral(
    north_leader, south_case
):
    before = _snapshot()
    row = "900050,700050,Maya,2015-05-05,north,Kinship,no,Someone Else,CiC North,2026-11-01,court"
    result = mosaic_import(importer=north_leader, content=_file(row), valid_only=True)
    assert not result.written
    assert [r.number for r in result.refused] == [2]
    assert _snapshot() == before
    assert Child.objects.get(mosaic_id="700050").area.code == "south"
    assert Referral.objects.get(mosaic_id="900050").priority == Referral.Priority.STANDARD


def test_an_existing_referral_of_another_area_cannot_gain_a_child_by_import(
    north_leader, south_case
):
    row = "900050,700051,Noah,2016-05-05,north,Kinship,no,Ann Lee,CiC South,2026-11-01,standard"
    result = mosaic_import(importer=north_leader, content=_file(row), valid_only=True)
    assert not result.written
    assert south_case.children.count() == 1
    assert not Child.objects.filter(mosaic_id="700051").exists()


def test_the_refusal_does_not_tell_whether_an_id_exists_in_another_area(north_leader, south_case):
    rows = [
        # the South child and referral, claimed for the North
        "900050,700050,Maya,2015-05-05,north,Kinship,no,Ann Lee,CiC South,2026-11-01,standard",
        # the South child alone, with a new referral
        "900060,700050,Maya,2015-05-05,north,Kinship,no,Ann Lee,CiC South,2026-11-01,court",
        # nothing that exists: a new child and referral in the South
        "900061,700061,Ivy,2015-05-05,south,Kinship,no,Ann Lee,CiC South,2026-11-01,court",
    ]
    result = mosaic_import(importer=north_leader, content=_file(*rows), dry_run=True)
    reasons = {tuple(r.reasons) for r in result.refused}
    assert len(result.refused) == 3
    assert len(reasons) == 1
    assert "another area" not in str(reasons) and "exists" not in str(reasons)


def test_a_person_who_leads_no_area_imports_nothing(areas):
    leader = UserFactory(groups=["Team leader"])
    result = mosaic_import(importer=leader, content=_file(*GOOD), valid_only=True)
    assert not result.written
    assert len(result.refused) == 3
    assert Child.objects.count() == 0


def test_the_deputy_imports_for_the_whole_county(areas):
    deputy = UserFactory(groups=["Deputy team leader"])
    result = mosaic_import(importer=deputy, content=_file(*GOOD))
    assert result.written
    assert result.counts["created"] == 3


def test_the_upload_page_refuses_another_areas_rows_to_a_team_leader(
    client, north_leader, south_case
):
    client.force_login(north_leader)
    row = "900050,700050,Maya,2015-05-05,north,Kinship,no,Someone Else,CiC North,2026-11-01,court"
    response = _upload(client, _file(GOOD[0], row))
    assert b"Row 3" in response.content
    client.post(reverse("casework:import_confirm"), {"mode": "valid_only"})
    assert Child.objects.get(mosaic_id="700050").area.code == "south"
    assert Referral.objects.get(mosaic_id="900050").referrer_name == "Ann Lee"
    assert Child.objects.filter(mosaic_id="700001").exists()


def test_the_command_says_it_imports_for_the_whole_county():
    from referrals.management.commands.import_mosaic import Command

    assert "whole county" in Command.help


# --- a preview writes nothing; a file is bounded -----------------------------------------

WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "BEGIN")


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_preview_writes_nothing_and_opens_no_transaction():
    mosaic_import(importer=None, content=_file(GOOD[0]))
    changed = GOOD[0].replace("Foster carer", "Kinship")
    content = _file(changed, *GOOD[1:])
    with CaptureQueriesContext(connection) as queries:
        result = mosaic_import(importer=None, content=content, dry_run=True)
    assert _writes(queries.captured_queries) == []
    assert result.counts == {"created": 2, "updated": 1, "unchanged": 0, "refused": 0}
    assert Child.objects.count() == 1


def test_a_preview_foretells_exactly_what_the_import_does():
    mosaic_import(importer=None, content=_file(GOOD[0]))
    rows = [
        GOOD[0],  # unchanged
        GOOD[1],  # a new child joins an existing referral
        GOOD[2].replace("Kinship", "Foster carer"),  # new
        "900003,700003,Leo,14/01/2012,Central,Foster carer,no,Tom Hughes,Fostering,03/11/2026,risk",
    ]
    preview = mosaic_import(importer=None, content=_file(*rows), dry_run=True)
    done = mosaic_import(importer=None, content=_file(*rows))
    assert [r.outcome for r in preview.rows] == [r.outcome for r in done.rows]
    assert preview.counts == {"created": 3, "updated": 0, "unchanged": 1, "refused": 0}


def test_the_upload_preview_writes_no_case_data(client, deputy):
    mosaic_import(importer=None, content=_file(GOOD[0]))
    with CaptureQueriesContext(connection) as queries:
        response = _upload(client, _file(GOOD[0].replace("court", "risk"), *GOOD[1:]))
    assert b"would be updated" in response.content
    assert [q for q in _writes(queries.captured_queries) if "referrals_" in q] == []


def _rows(n: int) -> list[str]:
    return [
        f"{910000 + i},{710000 + i},Ann,2016-01-01,north,,no,Sam,,2026-11-02,court"
        for i in range(n)
    ]


def test_a_file_of_up_to_the_cap_is_read():
    result = mosaic_import(importer=None, content=_file(*_rows(MAX_ROWS)), dry_run=True)
    assert result.file_errors == []
    assert result.counts["created"] == MAX_ROWS


def test_a_file_over_the_row_cap_is_refused_naming_the_cap():
    result = mosaic_import(importer=None, content=_file(*_rows(MAX_ROWS + 1)), valid_only=True)
    assert not result.written
    assert result.refusal_lines() == [
        "Row 1 (header): the file has more than 2,000 rows: import at most 2,000 rows "
        "at a time (split the file)"
    ]
    assert Child.objects.count() == 0


def test_the_upload_page_states_the_row_cap_and_refuses_a_larger_file(client, deputy):
    assert b"2,000 rows" in client.get(reverse("casework:import")).content
    response = _upload(client, _file(*_rows(MAX_ROWS + 1)))
    assert response.status_code == 200
    assert b"more than 2,000 rows" in response.content


def test_a_value_longer_than_the_csv_field_limit_is_refused_not_crashed(client, deputy):
    long = GOOD[0].replace("Foster carer", "x" * 140_000)
    result = mosaic_import(importer=None, content=_file(GOOD[1], long), valid_only=True)
    assert not result.written
    assert result.refusal_lines() == [
        "Row 1 (header): row 3 has a value longer than 131,072 characters: "
        "is the file a Mosaic export?"
    ]
    response = _upload(client, _file(GOOD[1], long))
    assert response.status_code == 200
    assert b"longer than 131,072 characters" in response.content


def test_a_nul_byte_in_a_row_is_refused_by_its_number(client, deputy):
    content = _file(*GOOD).replace(b"Leo", b"Le\x00o")
    result = mosaic_import(importer=None, content=content, valid_only=True)
    assert [(r.number, r.reasons) for r in result.refused] == [
        (4, ["a NUL byte in the row: save the file as CSV (UTF-8) from the spreadsheet"])
    ]
    assert result.written
    assert not Child.objects.filter(mosaic_id="700003").exists()
    response = _upload(client, content)
    assert response.status_code == 200
    client.post(reverse("casework:import_confirm"), {"mode": "valid_only"})
    assert Child.objects.count() == 2


def test_a_nul_byte_in_the_header_refuses_the_file():
    content = _file(*GOOD).replace(b"area", b"ar\x00ea", 1)
    result = mosaic_import(importer=None, content=content)
    assert result.refusal_lines() == [
        "Row 1 (header): a NUL byte in the header: save the file as CSV (UTF-8) "
        "from the spreadsheet"
    ]
