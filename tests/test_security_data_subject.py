"""Data-subject requests (本人からの開示・訂正・削除) for one case person, through the API and the
pages the way staff do it: the case is registered and written to through the API by the area's
coordinator, corrected by tier 1 through the API (the edit page uses the same service), disclosed as a JSON document, then deleted.

After deletion the audit entries are all still there, but no audit row (any column) and no row
of any table in the database holds the person's name, reading, phone numbers (old or
corrected), contact note or what was written about them; no log record on the way did either."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.activities.models import Consultation
from sasaeai.activities.tests.factories import ConsultationFactory
from sasaeai.audit.models import AuditEvent
from sasaeai.cases.models import Case
from sasaeai.org.models import Area, Town

from .test_logs import every_log_record  # noqa: F401  (fixture: every log record, DEBUG and up)

pytestmark = pytest.mark.django_db

NAME = "開示 請求子"
KANA = "カイジ セイキュウコ"
PHONE = "0422-98-7654"
CORRECTED_PHONE = "0422-12-3456"
NOTE = "平日午後は長女（請求 美和）が在宅"
ENTRY_TEXT = "請求子さん宅を訪問、庭の手入れの話"
NEEDS = "夫を亡くしてから外出が減った。歌が好き。"
PERSONAL = [NAME, "請求子", KANA, PHONE, CORRECTED_PHONE, NOTE, "請求 美和", ENTRY_TEXT, NEEDS]


def _client(username: str) -> Client:
    client = Client(HTTP_USER_AGENT="sasaeai-dsr-test", REMOTE_ADDR="192.0.2.44")
    client.force_login(User.objects.get(username=username))
    return client


def _every_text_in_the_database() -> str:
    """All rows of all tables (Django's and the project's, history and audit included)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks)


def _audit_text(events) -> str:
    return "\n".join(
        " ".join(str(getattr(e, f.attname)) for f in AuditEvent._meta.concrete_fields if f.attname)
        for e in events
    )


@pytest.fixture
def case_pk(musashino):
    area = Area.objects.get(municipality=musashino, name="境南エリア")
    coordinator = User.objects.filter(municipality=musashino, areas=area).first()
    api = _client(coordinator.username)
    response = api.post(
        "/api/v1/cases",
        {
            "area_id": area.pk,
            "town_id": Town.objects.get(municipality=musashino, name="境南町").pk,
            "person_name": NAME,
            "person_name_kana": KANA,
            "contact_phone": PHONE,
            "contact_note": NOTE,
            "age": 81,
            "sex": "female",
            "care_level": "support1",
            "brought_by": "care_manager",
            "received_on": "2026-10-01",
            "needs_text": NEEDS,
            "wants_company": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.post(
        f"/api/v1/cases/{pk}/entries",
        {"kind": "visit", "date": "2026-10-03", "text": ENTRY_TEXT},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    response = api.post(
        f"/api/v1/cases/{pk}/referrals",
        {"agency_name": "武蔵野市福祉公社", "reason": "見守りの相談"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    # The consultation the case came from (an activity record: no name in it by design).
    ConsultationFactory(
        coordinator=coordinator, area=area, case=Case.objects.get(pk=pk), summary="外出の相談"
    )
    return pk


def test_export_correct_and_delete_one_case_person(case_pk, every_log_record):  # noqa: F811
    case = Case.objects.get(pk=case_pk)
    tier1 = _client("tier1")

    # --- the area's coordinator may not handle the request; tier 1 does -----------------------
    area_coordinator = _client(case.coordinator.username)
    assert area_coordinator.get(reverse("cases:person_export", args=[case_pk])).status_code == 403
    assert area_coordinator.get(reverse("cases:person_delete", args=[case_pk])).status_code == 403
    assert _client("admin").get(reverse("cases:person_export", args=[case_pk])).status_code == 403

    # --- correction (訂正) through the API --------------------------------------------------------
    response = tier1.patch(
        f"/api/v1/cases/{case_pk}",
        {"contact_phone": CORRECTED_PHONE},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact_phone"] == CORRECTED_PHONE
    page = tier1.get(reverse("cases:detail", args=[case_pk])).content.decode()
    assert CORRECTED_PHONE in page and PHONE not in page
    update = AuditEvent.objects.filter(action="update", target_id=str(case_pk)).latest("id")
    assert "連絡先電話番号" in update.summary  # which field changed, never the values
    assert PHONE not in update.summary and CORRECTED_PHONE not in update.summary

    # --- disclosure (開示): one document with everything held about the person ----------------
    response = tier1.get(reverse("cases:person_export", args=[case_pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    text = json.dumps(document, ensure_ascii=False)
    for value in (NAME, KANA, CORRECTED_PHONE, NOTE, ENTRY_TEXT, NEEDS, "武蔵野市福祉公社"):
        assert value in text, f"the export lacks {value!r}"
    assert PHONE not in text  # the corrected value, not the old one
    # The consultation the case came from is part of what is held about the person.
    (consultation,) = document["相談"]
    assert consultation["概要"] == "外出の相談"
    assert consultation["日付"] == Consultation.objects.get(case_id=case_pk).date.isoformat()
    assert AuditEvent.objects.filter(action="export", target_id=str(case_pk)).exists()

    # --- deletion (削除): a wrong confirmation deletes nothing ---------------------------------
    response = tier1.post(reverse("cases:person_delete", args=[case_pk]), {"confirm_number": "x"})
    assert response.status_code == 200
    assert "ケース番号を正しく入力" in response.content.decode()
    assert Case.objects.filter(pk=case_pk).exists()

    before = {e.pk: e.action for e in AuditEvent.objects.filter(target_id=str(case_pk))}
    assert {"create", "view", "update", "export"} <= set(before.values())
    all_before = AuditEvent.objects.count()
    stored = _every_text_in_the_database()
    assert NAME in stored and ENTRY_TEXT in stored  # the scan below does see the data
    response = tier1.post(
        reverse("cases:person_delete", args=[case_pk]), {"confirm_number": case.number}
    )
    assert response.status_code == 302
    assert not Case.objects.filter(pk=case_pk).exists()
    assert tier1.get(reverse("cases:detail", args=[case_pk])).status_code == 404
    assert tier1.get(f"/api/v1/cases/{case_pk}").status_code == 404

    # The audit entries are kept (every one of them, plus the deletion) ...
    kept = AuditEvent.objects.filter(pk__in=before)
    assert {e.pk: e.action for e in kept} == before
    assert AuditEvent.objects.count() == all_before + 1
    deletion = AuditEvent.objects.latest("id")
    assert (deletion.action, deletion.target_id) == ("delete", str(case_pk))
    # ... and de-identified: no column of any audit row names or reaches the person.
    audit = _audit_text(AuditEvent.objects.all())
    for value in PERSONAL:
        assert value not in audit, f"an audit row holds {value!r}"

    # Nothing about the person is left anywhere in the database; the consultation record the
    # case came from stays (it counts in the activity figures) without the link.
    everything = _every_text_in_the_database()
    for value in PERSONAL:
        assert value not in everything, f"{value!r} is still stored after the deletion"
    consultation = Consultation.objects.get(summary="外出の相談")
    assert consultation.case_id is None

    # And nothing of it went to the logs on the way (403/404 warnings, audit, API errors).
    assert every_log_record
    logged = "\n".join(record.getMessage() for record in every_log_record)
    for value in PERSONAL:
        assert value not in logged, f"{value!r} was logged"
