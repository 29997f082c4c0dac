"""Access rules of the reports app for the access matrix (tests/test_access_matrix.py).

Reports are aggregates: every role holding reports.view reads its municipality's (the
regional reader its prefecture's); a tier-2 coordinator only the scopes of its own areas.
Coordinators (activities.edit) write a report's text and choose its stories, within the
same scope rule."""

import datetime as dt
import io

from django.core.files.base import ContentFile

from sasaeai.accounts.models import Role
from sasaeai.accounts.policy import Capability as C
from sasaeai.reports.models import Report, ReportPhoto
from tests.access_registry import Access, Target


def _report_at(place) -> Report:
    report, _ = Report.objects.get_or_create(
        municipality=place.municipality,
        scope_key=f"area:{place.area.pk}",
        period_start=dt.date(2015, 4, 1),
        period_end=dt.date(2015, 9, 30),
        defaults={"period_label": "平成27年度上半期", "scope_label": place.area.name},
    )
    return report


def _area_query(place) -> dict:
    return {
        "fiscal_year": "2015",
        "half": "first",
        "scope": f"area:{place.area.pk}",
        "municipality": place.municipality.code,
    }


def _photo_at(place) -> dict:
    from PIL import Image

    report = _report_at(place)
    photo = report.photos.first()
    if photo is None:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 6)).save(buffer, "PNG")
        photo = ReportPhoto(
            report=report,
            section="visits",
            caption="サロンの様子",
            image_format="PNG",
            width=8,
            height=6,
        )
        photo.image.save("p.png", ContentFile(buffer.getvalue()), save=False)
        photo.save()
    return {"pk": report.pk, "photo_id": photo.pk}


def _not_tier2(user, place) -> bool:
    """The municipality's standing texts are written by who writes its whole report."""
    return user is not None and user.role != Role.TIER2


PAGES = {
    "reports:index": Access(C.VIEW_REPORTS),
    "reports:show": Access(
        C.VIEW_REPORTS, note="without a scope each user gets its own (tier 2: its area)"
    ),
    "reports:download": Access(
        C.VIEW_REPORTS,
        obj=lambda place: Target(kwargs={"fmt": "csv"}, query=_area_query(place)),
        area_bound=True,
        note="an area's report: tier 2 of another area is refused",
    ),
    "reports:case_counts": Access(
        C.VIEW_ACTIVITIES,
        note="counts only (no personal data): coordinators and officials, not council members",
    ),
    "reports:prepare": Access(C.EDIT_ACTIVITIES, note="POST only; creates the report to write"),
    "reports:text_edit": Access(
        C.EDIT_ACTIVITIES,
        obj=lambda place: {"pk": _report_at(place).pk, "section": "achievements"},
        area_bound=True,
    ),
    "reports:text_versions": Access(
        C.VIEW_REPORTS,
        obj=lambda place: {"pk": _report_at(place).pk, "section": "achievements"},
        area_bound=True,
        note="every reader of the report reads its versions; restoring needs activities.edit",
    ),
    "reports:stories": Access(
        C.EDIT_ACTIVITIES, obj=lambda place: {"pk": _report_at(place).pk}, area_bound=True
    ),
    "reports:photos": Access(
        C.EDIT_ACTIVITIES, obj=lambda place: {"pk": _report_at(place).pk}, area_bound=True
    ),
    "reports:photo": Access(
        C.VIEW_REPORTS,
        obj=_photo_at,
        area_bound=True,
        note="a report's photo: whoever may read the report",
    ),
    "reports:standing_text_edit": Access(
        C.EDIT_ACTIVITIES,
        obj=lambda place: {"section": "introduction"},
        reach=_not_tier2,
        note="the user's own municipality's opening parts; not tier 2 (no municipality scope)",
    ),
}

API = {
    "GET /api/v1/reports/figures": Access(C.VIEW_REPORTS),
}
