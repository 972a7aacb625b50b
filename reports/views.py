"""The monthly report page and a CSV download of each of its tables."""

import csv
import datetime as dt

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .forms import ReportFilterForm
from .selectors import monthly_report


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
    _form, report = _report(request)
    if table not in report.tables:
        raise Http404("No such table.")
    chosen = report.tables[table]
    where = report.area.code if report.area else "county"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{table}-{report.month:%Y-%m}-{where}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(chosen.headers)
    writer.writerows(chosen.rows)
    return response
