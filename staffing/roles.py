"""The service's roles as auth groups, with the permissions each needs."""

from django.contrib.auth.models import Group, Permission

DEPUTY = "Deputy team leader"
TEAM_LEADER = "Team leader"
CONTACT_WORKER = "Contact worker"
ADMINISTRATOR = "Administrator"
# Managers and the committee read the monthly figures and nothing else.
MANAGER = "Manager"

REFERENCE_MODELS = [
    "venues.area",
    "venues.venue",
    "venues.room",
    "venues.roomfeature",
    "venues.roomclosure",
    "venues.traveltime",
    "staffing.skill",
    "staffing.worker",
    "staffing.workingpattern",
    "staffing.absence",
    "staffing.reliefsupervision",
]
CASE_MODELS = [
    "referrals.child",
    "referrals.siblinggroup",
    "referrals.referral",
    "referrals.contactplan",
    "referrals.contactplanslot",
]
ROTA_MODELS = ["scheduling.rotaweek", "scheduling.contactsession", "scheduling.solverrun"]
COST_MODELS = ["reports.agencysession", "reports.taxibooking"]


def _model_perms(models, actions=("view", "add", "change", "delete")):
    codes = []
    for label in models:
        app, model = label.split(".")
        codes += [f"{app}.{action}_{model}" for action in actions]
    return codes


ROLE_PERMISSIONS = {
    DEPUTY: [
        "scheduling.plan_rota",
        "scheduling.view_rota_board",
        *_model_perms(ROTA_MODELS),
        *_model_perms(CASE_MODELS),
        *_model_perms(REFERENCE_MODELS, actions=("view",)),
        *_model_perms(["staffing.absence"]),
        "reports.view_report",
        *_model_perms(COST_MODELS),
    ],
    TEAM_LEADER: [
        "scheduling.view_rota_board",
        *_model_perms(ROTA_MODELS, actions=("view", "change")),
        *_model_perms(CASE_MODELS),
        *_model_perms(REFERENCE_MODELS, actions=("view",)),
        *_model_perms(["staffing.absence"]),
        "reports.view_report",
        *_model_perms(COST_MODELS),
    ],
    CONTACT_WORKER: ["staffing.view_own_sessions"],
    MANAGER: ["reports.view_report"],
    ADMINISTRATOR: [
        "scheduling.plan_rota",
        "scheduling.view_rota_board",
        *_model_perms(REFERENCE_MODELS),
        # Administrators may plan the rota, so they read cases; changing them is the
        # deputy's and the team leaders' work.
        *_model_perms(CASE_MODELS, actions=("view",)),
        *_model_perms(ROTA_MODELS),
        # Accounts, and reading the roles: the roles themselves are kept here, by code.
        *_model_perms(["auth.user"]),
        "auth.view_group",
        "reports.view_report",
        *_model_perms([*COST_MODELS, "reports.mileagerate"]),
    ],
}


def sync_groups() -> dict[str, Group]:
    """Create the role groups and give each exactly its permissions."""
    groups = {}
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)
        groups[name] = group
    return groups


def sync_groups_after_migrate(**kwargs):
    sync_groups()
