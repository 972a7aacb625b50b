"""The pages' HTML is valid and its ARIA holds together (what the Nu HTML checker and axe read).

htmx reads `data-hx-*` as well as `hx-*`, and only the first is valid HTML; every id an
`aria-describedby` names is on the page; a page with several navigation landmarks names each;
the browser's `/favicon.ico` is served.
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import A_MONDAY
from tests.worlds import access_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)
BARE_HTMX = re.compile(r"""[\s"']hx-[a-z-]+=""")


class Page(HTMLParser):
    """The ids on a page, the ids `aria-describedby` names, and its navigation landmarks."""

    def __init__(self, html: str):
        super().__init__()
        self.ids, self.described_by, self.navs = set(), [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by.extend(attrs["aria-describedby"].split())
        if tag == "nav":
            self.navs.append(attrs.get("aria-label") or attrs.get("aria-labelledby"))


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield access_world()


def html_of(client, user, url: str) -> str:
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_pages_use_only_htmx_attributes_that_are_valid_html(client, world):
    deputy = world["users"]["deputy"]
    for url in (
        reverse("scheduling:rota_week", args=[A_MONDAY.isoformat()]),
        reverse("scheduling:rota_week", args=[A_MONDAY.isoformat()]) + "?view=venue",
        reverse("scheduling:session_detail", args=[world["awaiting"].pk]),
    ):
        html = html_of(client, deputy, url)
        assert "data-hx-" in html, url
        assert not BARE_HTMX.findall(html), url


def test_the_report_months_description_is_on_the_page(client, world):
    page = Page(html_of(client, world["users"]["deputy"], reverse("reports:monthly")))

    assert page.described_by
    assert set(page.described_by) <= page.ids


def test_the_workers_pages_name_each_navigation_landmark(client, world):
    worker = world["users"]["worker"]
    for name in ("mywork:my_sessions", "mywork:my_leave", "mywork:my_calendar"):
        page = Page(html_of(client, worker, reverse(name)))

        assert len(page.navs) >= 2, name
        assert all(page.navs), name
        assert len(set(page.navs)) == len(page.navs), name


def test_the_browsers_favicon_request_is_answered_with_a_static_icon(client, settings):
    response = client.get("/favicon.ico")

    assert response.status_code in (301, 302)
    name = response["Location"].removeprefix(settings.STATIC_URL)
    assert name.endswith(".svg") and finders.find(name)


def test_every_page_links_its_icon(client, world):
    html = html_of(client, world["users"]["worker"], reverse("mywork:my_sessions"))

    assert re.search(r'<link rel="icon"[^>]+href="/static/[^"]+"', html)
