"""Casework pages: the referral list, intake, a referral's life, plan changes, the Mosaic import.

Ending a referral and changing its plan stop sessions, so these pages sit above scheduling.
"""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit import history_for
from referrals import intake
from referrals.models import ContactPlan, Referral
from referrals.mosaic import MAX_ROWS, mosaic_import
from referrals.selectors import referrals_for_user
from scheduling.models import ContactSession
from scheduling.services import plan_changes

from .forms import (
    AcceptForm,
    EndForm,
    IntakeForms,
    MosaicConfirmForm,
    MosaicUploadForm,
    PlanChangeForms,
)

SESSION_KEY = "mosaic_import"


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@permission_required("referrals.view_referral", raise_exception=True)
def referral_list(request):
    status = request.GET.get("status", "")
    visible = referrals_for_user(user=request.user)
    referrals = visible.prefetch_related("children").order_by("-received_on", "pk")
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    counts = dict(
        Referral.objects.filter(pk__in=visible.values("pk"))
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "casework/referral_list.html",
        {
            "referrals": referrals[:300],
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in Referral.Status.choices
            ],
        },
    )


@permission_required("referrals.add_referral", raise_exception=True)
def referral_intake(request):
    forms = IntakeForms(request.POST or None, user=request.user)
    if request.method == "POST" and forms.is_valid():
        try:
            referral = intake.referral_create(
                referral_fields=forms.referral_fields(),
                children=forms.existing_children,
                new_children=forms.new_children,
                plan_fields=forms.plan.plan_fields(),
                slots=forms.slot_values,
            )
        except ValidationError as error:
            forms.non_form_errors += error.messages
        else:
            messages.success(request, f"Referral {referral} received.")
            return redirect("casework:detail", pk=referral.pk)
    return render(request, "casework/intake.html", {"forms": forms})


@permission_required("referrals.view_referral", raise_exception=True)
def referral_detail(request, pk: int):
    referral = get_object_or_404(
        referrals_for_user(user=request.user).prefetch_related(
            "children__area",
            Prefetch(
                "plans",
                queryset=ContactPlan.objects.prefetch_related(
                    "slots", "venues", "continuity_workers"
                ),
            ),
        ),
        pk=pk,
    )
    sessions = ContactSession.objects.filter(plan__referral=referral).aggregate(
        held=Count("pk", filter=Q(status=ContactSession.Status.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=ContactSession.Status.CANCELLED)),
        to_come=Count("pk", filter=Q(status__in=ContactSession.NOT_YET_HELD)),
    )
    return render(
        request,
        "casework/referral_detail.html",
        {
            "referral": referral,
            "sessions": sessions,
            "history": history_for(referral),
            "accept_form": AcceptForm(),
            "end_form": EndForm(),
        },
    )


def _users_referral(request, pk: int):
    """One of the referrals the user may see; 404 for any other."""
    return get_object_or_404(referrals_for_user(user=request.user), pk=pk)


def _try_change(request, change, success: str) -> None:
    """Call `change` (a service write); say `success`, or why the service refused."""
    try:
        change()
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, success)


@require_POST
@permission_required("referrals.change_referral", raise_exception=True)
def referral_accept(request, pk: int):
    referral = _users_referral(request, pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        _try_change(
            request,
            lambda: intake.referral_accept(
                referral=referral, continuity_workers=form.cleaned_data["continuity_workers"]
            ),
            f"{referral} accepted.",
        )
    return redirect("casework:detail", pk=pk)


@require_POST
@permission_required("referrals.change_referral", raise_exception=True)
def referral_activate(request, pk: int):
    referral = _users_referral(request, pk)
    _try_change(
        request,
        lambda: intake.referral_activate(referral=referral),
        f"{referral} is active: its sessions are planned each week.",
    )
    return redirect("casework:detail", pk=pk)


@require_POST
@permission_required("referrals.change_referral", raise_exception=True)
def referral_end(request, pk: int):
    referral = _users_referral(request, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        plan_changes.referral_end(referral=referral, last_day=form.cleaned_data["last_day"])
        messages.success(request, f"{referral} ended; later sessions are cancelled.")
    else:
        messages.error(request, "Give the last day of contact.")
    return redirect("casework:detail", pk=pk)


@permission_required("referrals.change_contactplan", raise_exception=True)
def plan_change(request, pk: int):
    plan = get_object_or_404(
        ContactPlan.objects.select_related("referral").filter(
            referral__in=referrals_for_user(user=request.user)
        ),
        pk=pk,
    )
    forms = PlanChangeForms(request.POST or None, plan=plan)
    if request.method == "POST" and forms.is_valid(children=plan.referral.children.all()):
        fields = forms.plan.plan_fields()
        from_day = fields.pop("starts_on")
        fields.pop("continuity_workers", None)
        try:
            new_plan = plan_changes.contact_plan_change(
                plan=plan, from_day=from_day, plan_fields=fields, slots=forms.slot_values
            )
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, f"The plan changes from {new_plan.starts_on:%d %b %Y}.")
            return redirect("casework:detail", pk=plan.referral_id)
    return render(request, "casework/plan_change.html", {"forms": forms, "plan": plan})


@permission_required("referrals.add_referral", raise_exception=True)
def mosaic_upload(request):
    """Upload and preview: the rows are checked, the importer's areas too; nothing is written."""
    form = MosaicUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        result = mosaic_import(
            content=content, importer=request.user, valid_only=True, dry_run=True
        )
        request.session[SESSION_KEY] = {
            "name": upload.name,
            "content": base64.b64encode(content).decode(),
        }
    return render(
        request,
        "casework/mosaic_upload.html",
        {
            "form": form,
            "result": result,
            "max_rows": f"{MAX_ROWS:,}",
            "file_name": (request.session.get(SESSION_KEY) or {}).get("name"),
        },
    )


@require_POST
@permission_required("referrals.add_referral", raise_exception=True)
def mosaic_confirm(request):
    stored = request.session.get(SESSION_KEY)
    form = MosaicConfirmForm(request.POST)
    if not stored or not form.is_valid():
        messages.error(request, "Upload the file again: nothing was waiting to be imported.")
        return redirect("casework:import")
    content = base64.b64decode(stored["content"])
    result = mosaic_import(
        content=content,
        importer=request.user,
        valid_only=form.cleaned_data["mode"] == "valid_only",
    )
    if not result.written:
        for line in result.refusal_lines()[:20]:
            messages.error(request, line)
        messages.error(request, f"Nothing imported from {stored['name']}.")
        return redirect("casework:import")
    del request.session[SESSION_KEY]
    counts = result.counts
    messages.success(
        request,
        f"Imported {stored['name']}: {counts['created']} rows created, {counts['updated']} "
        f"updated, {counts['unchanged']} unchanged, {counts['refused']} refused.",
    )
    return redirect("casework:list")
