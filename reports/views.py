"""The monthly report page and a CSV download of each of its tables."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lib import spreadsheet
from referrals.selectors import children_for_user
from staffing.selectors import areas_for_user

from .forms import AgencySessionForm, ReportFilterForm, TaxiBookingForm
from .models import AgencySession, TaxiBooking
from .selectors import monthly_report
from .services import agency_session_create, taxi_booking_create


def _last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _report(request):
    today = timezone.localdate()
    form = ReportFilterForm(request.GET or None)
    month, area = _last_month(today), None
    if form.is_valid():
        month = form.cleaned_data["month"] or month
        area = form.cleaned_data["area"]
    elif form.is_bound:
        # A malformed month falls back to last month rather than failing the page.
        area = form.cleaned_data.get("area")
    return form, monthly_report(month=month, area=area, today=today)


@permission_required("reports.view_report", raise_exception=True)
def monthly_report_page(request):
    form, report = _report(request)
    if not form.is_bound:
        form = ReportFilterForm(initial={"month": report.month.strftime("%Y-%m")})
    heat = [
        {"venue": row[0], "cells": [(v, min(v, 100) / 100) for v in row[1:]]}
        for row in report.tables["rooms"].rows
    ]
    query = f"month={report.month:%Y-%m}" + (f"&area={report.area.code}" if report.area else "")
    return render(
        request,
        "reports/monthly.html",
        {"form": form, "report": report, "f": report.figures, "query": query, "heat": heat},
    )


@permission_required("reports.view_report", raise_exception=True)
def monthly_report_csv(request, table: str):
    form, report = _report(request)
    if form.is_bound and not form.is_valid():
        # A download of another month than the one asked for would be mistaken for it.
        errors = "; ".join(m for messages_ in form.errors.values() for m in messages_)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    if table not in report.tables:
        raise Http404("No such table.")
    chosen = report.tables[table]
    where = report.area.code if report.area else "county"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{table}-{report.month:%Y-%m}-{where}.csv"'
    )
    # Names of venues, workers and children are typed by people: none may run as a formula.
    writer = spreadsheet.writer(response)
    writer.writerow(chosen.headers)
    writer.writerows(chosen.rows)
    return response


@permission_required("reports.view_agencysession", raise_exception=True)
def costs(request):
    """Agency sessions and taxi bookings of the last three months, with forms to add more."""
    since = _last_month(_last_month(timezone.localdate()))
    user = request.user
    return render(
        request,
        "reports/costs.html",
        {
            "agency_form": AgencySessionForm(prefix="agency", user=user),
            "taxi_form": TaxiBookingForm(prefix="taxi", user=user),
            # A team leader's own areas only; the deputy and administrators the county.
            "agency_sessions": AgencySession.objects.filter(
                held_on__gte=since, child__in=children_for_user(user=user)
            ).select_related("child"),
            "taxis": TaxiBooking.objects.filter(
                day__gte=since, area__in=areas_for_user(user=user)
            ).select_related("area"),
        },
    )


@require_POST
@permission_required("reports.add_agencysession", raise_exception=True)
def agency_session_add(request):
    form = AgencySessionForm(request.POST, prefix="agency", user=request.user)
    if form.is_valid():
        session = agency_session_create(**form.cleaned_data)
        messages.success(request, f"Recorded {session}.")
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    return redirect("reports:costs")


@require_POST
@permission_required("reports.add_taxibooking", raise_exception=True)
def taxi_booking_add(request):
    form = TaxiBookingForm(request.POST, prefix="taxi", user=request.user)
    if form.is_valid():
        booking = taxi_booking_create(**form.cleaned_data, booked_by=request.user)
        messages.success(request, f"Recorded {booking}.")
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    return redirect("reports:costs")
