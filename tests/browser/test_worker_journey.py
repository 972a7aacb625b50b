"""A contact worker on a phone: opens today's session, submits the record, adds an addendum."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from scheduling.models import ContactSession, SessionRecord
from tests.factories import (
    A_MONDAY,
    TEST_PASSWORD,
    ChildFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    ReferralFactory,
    RoomFactory,
    RotaWeekFactory,
    SessionWorkerFactory,
    UserFactory,
    WorkerFactory,
)
from venues.models import Area, Venue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
# Monday 11:45: this morning's 10:00 session is over and its record is due.
AFTER_THE_SESSION = dt.datetime(2026, 12, 7, 11, 45, tzinfo=dt.UTC)


@pytest.fixture
def todays_session():
    with time_machine.travel(AFTER_THE_SESSION, tick=True):
        leader = UserFactory(username="tina", groups=["Team leader"])
        area = Area.objects.create(code="south", name="South", team_leader=leader)
        venue = Venue.objects.create(
            slug="harbour-house", name="Harbour House", area=area, address="2 Quay Road, Southport"
        )
        room = RoomFactory(venue=venue, name="Garden room")
        worker = WorkerFactory(
            area=area,
            base_venue=venue,
            name="Sam Carter",
            user=UserFactory(username="sam", first_name="Sam", groups=["Contact worker"]),
        )
        child = ChildFactory(area=area, first_name="Lily", reference="C-7788")
        plan = ContactPlanFactory(
            referral=ReferralFactory(children=[child]),
            slots=[],
            attendees="Father",
            shared_notes="Father may arrive early; keep him in reception until 10:00.",
        )
        session = ContactSessionFactory(
            rota_week=RotaWeekFactory(week_start=A_MONDAY, state="published"),
            plan=plan,
            day=A_MONDAY,
            earliest_start=dt.time(10),
            latest_start=dt.time(10, 30),
            starts_at=dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC),
            room=room,
            status=ContactSession.Status.BOOKED,
        )
        SessionWorkerFactory(session=session, worker=worker)
        yield session


def test_a_contact_worker_records_todays_session_on_a_phone(
    live_server, browser: Browser, todays_session
):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    with time_machine.travel(AFTER_THE_SESSION + dt.timedelta(minutes=1), tick=True):
        page.goto(f"{live_server.url}/accounts/login/?next=/me/sessions/")
        page.get_by_label("Username").fill("sam")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()

        # Today's session, phone-first: time, place, child, who attends.
        card = page.locator(f"#session-{todays_session.pk}")
        expect(page.get_by_text("Today")).to_be_visible()
        expect(card).to_contain_text("10:00–11:30")
        expect(card).to_contain_text("Harbour House · Garden room")
        expect(card).to_contain_text("Lily (C-7788)")
        page.screenshot(path=ARTIFACTS / "worker-1-my-sessions.png", full_page=True)
        card.click()
        expect(page.get_by_text("2 Quay Road, Southport")).to_be_visible()
        expect(page.get_by_text("keep him in reception")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "worker-2-session.png", full_page=True)

        # Save a draft, come back, submit.
        page.get_by_role("link", name="Write the record").click()
        page.get_by_label("Attendance").select_option("attended")
        page.get_by_label("Started at").fill("10:02")
        page.get_by_label("Ended at").fill("11:30")
        page.get_by_label("Observations").fill("Lily ran to her father; they baked biscuits.")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text("Draft saved.")).to_be_visible()
        page.get_by_role("link", name="Continue the record").click()
        expect(page.get_by_label("Observations")).to_have_value(
            "Lily ran to her father; they baked biscuits."
        )
        page.get_by_label("Concerns").fill("None.")
        page.screenshot(path=ARTIFACTS / "worker-3-record.png", full_page=True)
        page.get_by_role("button", name="Submit the record").click()
        expect(page.get_by_text("Record submitted.")).to_be_visible()
        expect(page.locator("#record")).to_contain_text("Submitted")
        expect(page.get_by_role("link", name="Continue the record")).to_have_count(0)

        # The record is evidence: only an addendum, with its own author and time.
        page.get_by_role("link", name="Add an addendum").click()
        page.get_by_label("Addendum").fill("Father phoned at 14:00 to thank the team.")
        page.get_by_role("button", name="Add the addendum").click()
        expect(page.locator(".addendum")).to_contain_text("Father phoned at 14:00")
        expect(page.locator(".addendum")).to_contain_text("Addendum by Sam")
        page.screenshot(path=ARTIFACTS / "worker-4-addendum.png", full_page=True)

        # Going back to the record form is refused.
        page.goto(f"{live_server.url}/me/sessions/{todays_session.pk}/record/")
        expect(page.get_by_text("cannot be changed")).to_be_visible()
    context.close()

    record = SessionRecord.objects.get()
    assert record.submitted_at is not None
    assert record.observations == "Lily ran to her father; they baked biscuits."
    assert record.addenda.get().author.username == "sam"
    todays_session.refresh_from_db()
    assert todays_session.status == ContactSession.Status.COMPLETED
