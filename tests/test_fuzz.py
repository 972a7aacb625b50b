"""Bad input, generated: malformed scenario files, Mosaic CSV rows and form posts.

None may cause anything but its own refusal: a ScenarioError for a scenario, a refused row or
file for the import, a page with errors for a form — never a 500, never a partial write.
Bounded example counts keep this to seconds.
"""

import contextlib
import copy
import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referrals.models import Child, ContactPlan, Referral
from referrals.mosaic import COLUMNS as HEADER
from referrals.mosaic import mosaic_import
from scheduling.models import ContactSession, SessionWorker
from scheduling.solver import ScenarioError, scenario_from_dict
from staffing.models import Absence
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ContactSessionFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    WorkerFactory,
)

SCENARIO = Path(django_settings.BASE_DIR).parent / "shared" / "scenarios" / "small.json"
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure is reproducible in CI
    database=None,  # nothing to replay: derandomised examples are the same each run
)
# Each example through a page costs a request and its queries: fewer of them.
FUZZ_PAGES = settings(FUZZ, max_examples=15)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "25:00", "08:30", "2026-02-30", "2026-12-07", "s001", "w01", "-1"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _valid_scenario() -> dict:
    if SCENARIO.exists():
        return json.loads(SCENARIO.read_text())
    pytest.skip(f"no sample scenario at {SCENARIO}")


@st.composite
def broken_scenarios(draw):
    """A valid scenario with one to three of its values replaced, removed or duplicated."""
    scenario = copy.deepcopy(_valid_scenario())
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(scenario) if p]
        path = draw(st.sampled_from(paths))
        parent = scenario
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            parent[last] = draw(json_values)
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        else:
            parent[last] = [parent[last], parent[last]]
    return scenario


def _read(scenario) -> None:
    with contextlib.suppress(ScenarioError):  # the one refusal allowed
        scenario_from_dict(scenario)


@FUZZ
@given(broken_scenarios())
def test_a_broken_scenario_file_is_refused_with_a_scenario_error_only(scenario):
    _read(scenario)


@FUZZ
@given(json_values)
def test_any_json_at_all_is_refused_with_a_scenario_error_only(value):
    _read(value)


# --- Mosaic CSV rows ---------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=15),
    st.sampled_from(
        [
            "",
            "100231",
            "884120",
            "Amelia",
            "2016-04-12",
            "14/01/2012",
            "31/02/2020",
            "north",
            "Central",
            "nowhere",
            "yes",
            "no",
            "maybe",
            "court",
            "risk",
            "urgent",
            "9" * 30,
        ]
    ),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=len(HEADER) + 2), min_size=1, max_size=6)


def _csv(header, body) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


@pytest.mark.django_db
@FUZZ_PAGES
@given(
    header=st.one_of(st.just(HEADER), st.permutations(HEADER), st.lists(st.text(max_size=8))),
    body=rows,
    valid_only=st.booleans(),
)
def test_malformed_mosaic_rows_never_crash_the_import_or_half_write_it(header, body, valid_only):
    AreaFactory(code="north")
    AreaFactory(code="central")
    with transaction.atomic():
        before = (Referral.objects.count(), Child.objects.count())
        result = mosaic_import(importer=None, content=_csv(header, body), valid_only=valid_only)
        if not result.written:
            assert (Referral.objects.count(), Child.objects.count()) == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@FUZZ_PAGES
@given(content=st.binary(max_size=200))
def test_arbitrary_bytes_as_a_mosaic_file_are_refused_not_crashed(content):
    with transaction.atomic():
        result = mosaic_import(importer=None, content=content)
        if not result.written:
            assert not Referral.objects.exists()
        transaction.set_rollback(True)


# --- form posts --------------------------------------------------------------------------

junk = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "16:00", "2026-12-07", "on", "x"]),
    st.integers(-5, 10**6).map(str),
)


def _form(fields):
    return st.dictionaries(
        st.sampled_from(fields) | st.text(max_size=6), st.lists(junk, max_size=3), max_size=8
    )


@pytest.fixture
def deputy_client(client):
    client.force_login(UserFactory(username="deputy", groups=["Deputy team leader"]))
    return client


@pytest.fixture
def placed_session():
    area = AreaFactory(code="central")
    room = RoomFactory(venue=VenueFactory(area=area))
    session = ContactSessionFactory(
        rota_week__week_start=A_MONDAY,
        starts_at=None,
    )
    worker = WorkerFactory(area=area)
    return {"session": session, "room": room, "worker": worker, "area": area}


def _consistent(session_id: int) -> None:
    session = ContactSession.objects.get(pk=session_id)
    assert (session.starts_at is None) == (session.ends_at is None)
    for booking in SessionWorker.objects.filter(session=session):
        assert session.starts_at is not None
        assert booking.busy_from <= session.starts_at < session.ends_at <= booking.busy_to


@pytest.mark.django_db
@FUZZ_PAGES
@given(data=_form(["start", "room", "workers", "version"]))
def test_a_malformed_move_of_a_session_never_errors_or_half_writes(
    deputy_client, placed_session, data
):
    session = placed_session["session"]
    url = reverse("scheduling:session_move", args=[session.pk])
    with transaction.atomic():
        before = ContactSession.objects.values().get(pk=session.pk)
        response = deputy_client.post(url, data)
        assert response.status_code < 500
        if response.status_code >= 400 or "version" not in data:
            assert ContactSession.objects.values().get(pk=session.pk) == before
        _consistent(session.pk)
        transaction.set_rollback(True)


@pytest.mark.django_db
@FUZZ_PAGES
@given(data=_form(["worker", "kind", "starts_on", "ends_on", "note"]))
def test_a_malformed_absence_never_errors_and_writes_nothing_unless_accepted(client, data):
    leader = UserFactory(username="tl", groups=["Team leader"])
    area = AreaFactory(code="central", team_leader=leader)
    WorkerFactory(area=area)
    client.force_login(leader)
    with transaction.atomic():
        before = Absence.objects.count()
        response = client.post(reverse("desk:absence_new"), data)
        assert response.status_code < 500
        if response.status_code != 302:
            assert Absence.objects.count() == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@FUZZ_PAGES
@given(data=_form(["referrer_name", "received_on", "priority", "existing_children", "area"]))
def test_a_malformed_referral_intake_never_errors_or_half_writes(deputy_client, data):
    with transaction.atomic():
        before = (Referral.objects.count(), Child.objects.count(), ContactPlan.objects.count())
        response = deputy_client.post(reverse("casework:intake"), data)
        assert response.status_code < 500
        if response.status_code != 302:
            after = (Referral.objects.count(), Child.objects.count(), ContactPlan.objects.count())
            assert after == before
        transaction.set_rollback(True)
