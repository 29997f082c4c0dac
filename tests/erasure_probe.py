"""Run by tests/test_security_deleted_means_gone.py in a process of its own, on a SQLite file
database set up the way an installation is (the settings' connection setup): registers a
case person through the API as their coordinator and lets SQLite move the log into the main
file (as it does by itself every 1,000 pages), registers a second one whose rows stay in the
log, then deletes both through the deletion page as tier 1. Another connection stays open all along (as another worker's would), so that the
log is not removed by the last connection closing. Then reads the raw database file and its
-wal byte by byte for every personal value and prints what it found as JSON.

Usage: python tests/erasure_probe.py <database file> [--without-secure-delete]
(`--without-secure-delete` turns the protection off, to see the probe find the values)."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

PERSONAL = {
    "person_name": "削除 請求子",
    "person_name_kana": "サクジョ セイキュウコ",
    "contact_phone": "0422-55-0199",
    "contact_note": "平日の午後は長女（削除 美和）が在宅",
    "needs_text": "夫を亡くしてから外出が減った。歌が好き。",
}
ENTRY_TEXT = "請求子さん宅を訪問、庭の手入れの話"


def main() -> None:
    if "--without-secure-delete" in sys.argv:
        options = settings.DATABASES["default"]["OPTIONS"]
        options["init_command"] = options["init_command"].replace(
            "PRAGMA secure_delete=ON;", "PRAGMA secure_delete=OFF;"
        )
        from sasaeai.core import erasure

        erasure.forget_deleted_rows = lambda: None
        import sasaeai.cases.services as case_services

        case_services.forget_deleted_rows = lambda: None
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    other_worker = sqlite3.connect(sys.argv[1])
    other_worker.execute("SELECT count(*) FROM django_migrations").fetchall()

    from sasaeai.accounts import demo as accounts_demo
    from sasaeai.accounts.models import User
    from sasaeai.councils import demo as councils_demo
    from sasaeai.org import demo as org_demo
    from sasaeai.org.models import Area

    municipality = org_demo.load()
    councils_demo.load(municipality)
    accounts_demo.load(municipality)
    area = Area.objects.get(municipality=municipality, name="境南エリア")
    coordinator = User.objects.filter(municipality=municipality, areas=area).first()
    api = Client()
    api.force_login(coordinator)
    tier1 = Client()
    tier1.force_login(User.objects.get(username="tier1"))
    cases = []
    for suffix in ("甲", "乙"):
        response = api.post(
            "/api/v1/cases",
            {
                "area_id": area.pk,
                "age": 81,
                "received_on": "2026-10-01",
                **{k: v + suffix for k, v in PERSONAL.items()},
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        case = response.json()
        response = api.post(
            f"/api/v1/cases/{case['id']}/entries",
            {"kind": "visit", "date": "2026-10-03", "text": ENTRY_TEXT + suffix},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        cases.append(case)
        if suffix == "甲":
            # The first person's rows move into the main file (SQLite does this by itself
            # every 1,000 pages); the second's stay in the log.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for case in cases:
        response = tier1.post(
            reverse("cases:person_delete", args=[case["id"]]), {"confirm_number": case["number"]}
        )
        assert response.status_code == 302, response.status_code
    files = [Path(sys.argv[1]), Path(sys.argv[1] + "-wal")]
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    values = [v + suffix for v in (*PERSONAL.values(), ENTRY_TEXT) for suffix in ("甲", "乙")]
    found = [v for v in values if v.encode("utf-8") in raw]
    sizes = {f.name: f.stat().st_size for f in files if f.exists()}
    print(json.dumps({"found": found, "files": sizes, "deleted": [c["number"] for c in cases]}))
    other_worker.close()
    connection.close()


if __name__ == "__main__":
    main()
