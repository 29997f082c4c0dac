"""Reads of the reports app, scoped by the access policy: a report's figures for a period
and scope, its saved text and versions, the stories that may be chosen for it."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.core.periods import Period

from .figures import ReportFigures, figures_build
from .models import STANDING_SECTIONS, MunicipalityText, Report, ReportText, TextSection
from .policy import scope_allowed, scope_require
from .selection import Scope, ScopeKind, scope_from_storage


def report_find(*, period: Period, scope: Scope) -> Report | None:
    return Report.objects.filter(
        municipality=scope.municipality,
        scope_key=scope.storage_key,
        period_start=period.start,
        period_end=period.end,
    ).first()


def report_texts(report: Report | None) -> dict[str, ReportText]:
    """The current (newest) version of each free-text section."""
    if report is None:
        return {}
    current: dict[str, ReportText] = {}
    for version in report.texts.order_by("section", "-version").select_related("author"):
        current.setdefault(version.section, version)
    return current


def municipality_texts(municipality) -> dict[str, MunicipalityText]:
    """The current version of each of the municipality's opening parts."""
    current: dict[str, MunicipalityText] = {}
    versions = MunicipalityText.objects.filter(municipality=municipality).order_by(
        "section", "-version"
    )
    for version in versions.select_related("author"):
        current.setdefault(version.section, version)
    return current


def municipality_text_versions(*, municipality, section: str) -> QuerySet[MunicipalityText]:
    return (
        MunicipalityText.objects.filter(municipality=municipality, section=section)
        .select_related("author")
        .order_by("-version")
    )


def report_text_versions(*, report: Report, section: str) -> QuerySet[ReportText]:
    return report.texts.filter(section=section).select_related("author").order_by("-version")


def report_get(*, user: User, pk: object) -> tuple[Report, Scope]:
    """A saved report the user may read, with its scope; 404 whether missing or not theirs."""
    report = policy.get_in_scope(policy.in_municipality(Report.objects.all(), user), pk)
    scope = scope_from_storage(report.scope_key, municipality=report.municipality)
    if scope is None or not scope_allowed(user, scope):
        raise Http404("見つかりません。")
    return report, scope


def reports_saved(*, user: User, limit: int = 30) -> list[tuple[Report, Scope]]:
    """Saved reports (with text or chosen stories) the user may read, newest period first."""
    reports = (
        policy.in_municipality(Report.objects.all(), user)
        .select_related("municipality")
        .order_by("-period_start", "scope_key")[: limit * 3]
    )
    found = []
    for report in reports:
        scope = scope_from_storage(report.scope_key, municipality=report.municipality)
        if scope is not None and scope_allowed(user, scope):
            found.append((report, scope))
    return found[:limit]


def stories_choosable(*, user: User, scope: Scope):
    """Published, anonymised stories of the municipality that may go into a report of this
    scope: those of its areas for an area scope; a tier-2 coordinator's own areas at most."""
    from sasaeai.cases.models import CaseStory

    stories = CaseStory.objects.filter(
        municipality=scope.municipality, status=CaseStory.Status.PUBLISHED
    ).select_related("area")
    if scope.kind in (ScopeKind.AREA, ScopeKind.AREAS):
        stories = stories.filter(area_id__in=scope.area_ids)
    if user.role == "tier2":
        stories = stories.filter(area_id__in=policy.area_ids(user))
    return stories.order_by("-published_on", "-id")


def report_figures(
    *, user: User | None, period: Period, scope: Scope, now: dt.datetime | None = None
) -> tuple[ReportFigures, Report | None]:
    """The figures of a report as the user may see them (the command passes user=None: it
    runs with the rights of whoever can read the database)."""
    if user is not None:
        scope_require(user, scope)
    report = report_find(period=period, scope=scope)
    texts = report_texts(report)
    words = {section: version.text for section, version in texts.items()}
    # The opening parts: the report's own wording, else the municipality's.
    for section, version in municipality_texts(scope.municipality).items():
        if section in STANDING_SECTIONS and not words.get(section, "").strip():
            words[section] = version.text
    figures = figures_build(
        period=period,
        scope=scope,
        report=report,
        texts=words,
        text_versions={section: version.version for section, version in texts.items()},
        text_figures={section: version.figures for section, version in texts.items()},
        now=now or timezone.localtime(),
    )
    return figures, report


__all__ = ["TextSection", "report_figures"]
