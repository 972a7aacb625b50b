import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from lib.weeks import monday_of
from staffing import roles


def home(request):
    """A landing page with the links each of the user's roles needs first."""
    user = request.user
    names = set(user.groups.values_list("name", flat=True))
    this_monday = monday_of(timezone.localdate())
    # The rota board's URL names belong to another part of the site, so plain paths are built
    # here rather than reversed.
    rota_weeks = []
    if roles.DEPUTY in names or user.has_perm("scheduling.plan_rota"):
        rota_weeks = [
            ("This week", this_monday, f"/rota/{this_monday:%Y-%m-%d}/"),
            (
                "Two weeks ahead (to plan)",
                this_monday + dt.timedelta(weeks=2),
                f"/rota/{this_monday + dt.timedelta(weeks=2):%Y-%m-%d}/",
            ),
        ]
    context = {
        "roles": sorted(names),
        "rota_weeks": rota_weeks,
        "is_team_leader": roles.TEAM_LEADER in names,
        "led_areas": list(user.led_areas.all()),
        "is_contact_worker": roles.CONTACT_WORKER in names,
        "show_admin": user.is_staff,
    }
    return render(request, "home.html", context)


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: send them to the static icon (by
    its hashed name in production, so it is cached for long)."""
    return redirect(static("favicon.svg"), permanent=True)
