"""Dates in URLs and query strings are bounded to the service's range, with a message.

`lib.weeks` keeps the range (YEARS_BACK to YEARS_AHEAD around today); a path outside it is a
404, a query value outside it a message (a 400 for the area page and the CSV download, a form
error on the report page).
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from lib import weeks
from tests.builders import team
from tests.factories import UserFactory

TODAY = dt.date(2026, 12, 8)
NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_range_runs_from_five_years_back_to_three_years_ahead():
    assert weeks.earliest_day(TODAY) == dt.date(2021, 1, 1)
    assert weeks.latest_day(TODAY) == dt.date(2029, 12, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0001-01-01", "out of range"),
        ("9999-12-31", "out of range"),
        ("2026-02-30", "Give the date as YYYY-MM-DD"),
        ("20261207", "Give the date as YYYY-MM-DD"),
        ("abc", "Give the date as YYYY-MM-DD"),
        ("9" * 3000, "Give the date as YYYY-MM-DD"),
        ("2026-12-07\x00", "Give the date as YYYY-MM-DD"),
    ],
)
def test_a_day_the_service_would_not_mean_is_refused_with_a_message(text, message):
    with pytest.raises(weeks.DateOutOfRange, match=message):
        weeks.parse_day(text, today=TODAY)


def test_a_week_must_be_a_monday_within_range():
    assert weeks.parse_week("2026-12-07", today=TODAY) == dt.date(2026, 12, 7)
    with pytest.raises(weeks.DateOutOfRange, match="not a Monday"):
        weeks.parse_week("2026-12-08", today=TODAY)
    with pytest.raises(weeks.DateOutOfRange, match="out of range"):
        weeks.parse_week("9999-12-27", today=TODAY)


@pytest.mark.parametrize("text", ["0001-01", "9999-12", "2026-13", "2026-1", "abc"])
def test_a_month_the_service_would_not_mean_is_refused(text):
    with pytest.raises(weeks.DateOutOfRange):
        weeks.parse_month(text, today=TODAY)
    assert weeks.parse_month("2026-11", today=TODAY) == dt.date(2026, 11, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-27", "2019-12-30"])
def test_a_board_week_out_of_range_is_not_found(client, frozen, week):
    client.force_login(UserFactory(groups=["Deputy team leader"]))

    assert client.get(reverse("scheduling:rota_week", args=[week])).status_code == 404
    assert client.post(reverse("scheduling:rota_plan", args=[week])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_an_area_day_out_of_range_shows_today_with_a_message(client, frozen, day):
    client.force_login(team()["leader"])

    response = client.get(reverse("desk:area"), {"day": day})

    assert response.status_code == 400
    assert response.context["day"] == TODAY
    assert "Give the date as YYYY-MM-DD" in response.text or "out of range" in response.text


@pytest.mark.django_db
def test_a_report_month_out_of_range_is_a_form_error(client, frozen):
    client.force_login(UserFactory(groups=["Deputy team leader"]))

    response = client.get(reverse("reports:monthly"), {"month": "9999-12"})

    assert response.status_code == 200
    assert "out of range" in response.context["form"].errors["month"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13"])
def test_a_csv_download_of_a_month_out_of_range_is_refused_with_the_reason(client, frozen, month):
    client.force_login(UserFactory(groups=["Deputy team leader"]))

    response = client.get(reverse("reports:csv", args=["summary"]), {"month": month})

    assert response.status_code == 400
    assert "YYYY-MM" in response.text or "out of range" in response.text
