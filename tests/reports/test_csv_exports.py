"""The report's CSV downloads open in a spreadsheet: text must never run as a formula."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from lib import spreadsheet
from lib.spreadsheet import spreadsheet_safe
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def deputy(client):
    with time_machine.travel(dt.datetime(2027, 1, 10, 12, 0), tick=False):
        client.force_login(UserFactory(groups=["Deputy team leader"]))
        yield


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_venue_named_as_a_formula_comes_out_as_text_in_the_rooms_csv(client, deputy):
    RoomFactory(venue__name=FORMULA)

    response = client.get(reverse("reports:csv", args=["rooms"]), {"month": "2026-12"})

    venues = [row[0] for row in _rows(response)[1:]]
    assert venues == [f"'{FORMULA}"]


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_every_cell_that_a_spreadsheet_would_run_is_made_text(first):
    assert spreadsheet_safe(f"{first}1+1") == f"'{first}1+1"


def test_numbers_stay_numbers_and_ordinary_text_is_untouched():
    assert spreadsheet_safe(-3) == -3
    assert spreadsheet_safe(-2.5) == -2.5
    assert spreadsheet_safe("Mansfield - North") == "Mansfield - North"
    assert spreadsheet_safe("") == ""


def test_a_negative_figure_stays_a_number_in_the_csv():
    out = io.StringIO()
    safe = spreadsheet.writer(out)
    safe.writerow(["Measure", "Value"])
    safe.writerows([["Change", -3], ["=1+1", 4]])

    assert out.getvalue().splitlines() == ["Measure,Value", "Change,-3", "'=1+1,4"]
