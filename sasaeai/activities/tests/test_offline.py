"""Visits and consultations recorded offline and sent later: the API creates a record once per
user and Idempotency-Key (a resend answers with the first record, on both backends, and two
sends racing on PostgreSQL still make one), validation is the same as online and a refused
send does not use the key up; the service worker and the session check the phone's queue
needs; logging out tells the browser to clear what the site stored."""

import json
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.activities import services
from sasaeai.activities.models import Consultation, ConsultationTopic, SubmissionKey, Visit

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username=username))
    return client


def _csrf(client: Client) -> str:
    """The fresh token the phone asks for before sending its queue."""
    answer = client.get("/activities/offline/session.json")
    assert answer.status_code == 200, answer.content
    return answer.json()["csrf"]


def _send(client: Client, path: str, body: dict, *, key: str | None, csrf: str):
    headers = {"X-CSRFToken": csrf}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(path, body, content_type="application/json", headers=headers)


def _visit_body(**extra) -> dict:
    return {
        "date": timezone.localdate().isoformat(),
        "place_name": "地下の集会室サロン",
        "start_time": "10:00",
        "end_time": "11:00",
        "attendees": 12,
        **extra,
    }


def test_a_visit_sent_twice_with_one_key_is_recorded_once(musashino):
    client = login("tier2-1")
    csrf = _csrf(client)
    key = str(uuid.uuid4())
    first = _send(client, "/api/v1/visits", _visit_body(), key=key, csrf=csrf)
    assert first.status_code == 201, first.content
    again = _send(client, "/api/v1/visits", _visit_body(), key=key, csrf=csrf)
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert Visit.objects.filter(place_name="地下の集会室サロン").count() == 1
    assert SubmissionKey.objects.get(key=key).visit_id == first.json()["id"]
    # Another key is another visit.
    other = _send(client, "/api/v1/visits", _visit_body(), key=str(uuid.uuid4()), csrf=csrf)
    assert other.status_code == 201
    assert Visit.objects.filter(place_name="地下の集会室サロン").count() == 2


def test_a_consultation_sent_twice_with_one_key_is_recorded_once(musashino):
    client = login("tier2-1")
    csrf = _csrf(client)
    topic = ConsultationTopic.objects.filter(is_active=True).order_by("id").first()
    body = {
        "date": timezone.localdate().isoformat(),
        "consulter_type": "elderly",
        "channel": "on_site",
        "topic_ids": [topic.pk],
    }
    key = uuid.uuid4().hex
    before = Consultation.objects.count()
    first = _send(client, "/api/v1/consultations", body, key=key, csrf=csrf)
    assert first.status_code == 201, first.content
    again = _send(client, "/api/v1/consultations", body, key=key, csrf=csrf)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Consultation.objects.count() == before + 1
    assert first.json()["summary"] == ""  # waited offline without its summary


def test_the_same_key_from_two_users_makes_two_records(musashino):
    key = str(uuid.uuid4())
    for username in ("tier2-1", "tier2-2"):
        client = login(username)
        answer = _send(client, "/api/v1/visits", _visit_body(), key=key, csrf=_csrf(client))
        assert answer.status_code == 201, answer.content
    assert Visit.objects.filter(place_name="地下の集会室サロン").count() == 2


def test_a_refused_send_keeps_its_key_for_the_corrected_one(musashino):
    client = login("tier2-1")
    csrf = _csrf(client)
    key = str(uuid.uuid4())
    refused = _send(
        client,
        "/api/v1/visits",
        _visit_body(start_time="11:00", end_time="10:00"),
        key=key,
        csrf=csrf,
    )
    assert refused.status_code == 422
    assert "end_time" in refused.json()["errors"]
    assert not SubmissionKey.objects.filter(key=key).exists()
    assert not Visit.objects.filter(place_name="地下の集会室サロン").exists()
    sent = _send(client, "/api/v1/visits", _visit_body(), key=key, csrf=csrf)
    assert sent.status_code == 201


def test_validation_is_the_same_as_online(musashino):
    """What the form refuses, the queued send is refused too, with the same Japanese message
    on the same field: a visit with two destinations."""
    from sasaeai.resources.tests.factories import ServiceFactory

    salon = ServiceFactory(municipality=musashino, location=None, name="ひだまりサロン")
    client = login("tier2-1")
    sent = _send(
        client,
        "/api/v1/visits",
        _visit_body(service_id=salon.pk),
        key=str(uuid.uuid4()),
        csrf=_csrf(client),
    )
    assert sent.status_code == 422
    form = client.post(
        "/activities/visits/new/",
        {
            "date": timezone.localdate().isoformat(),
            "service": salon.pk,
            "place_name": "地下の集会室サロン",
            "csrfmiddlewaretoken": _csrf(client),
            "then": "done",
        },
    )
    assert form.status_code == 400
    message = sent.json()["errors"]["service"][0]
    assert message.startswith("訪問先が2つ指定されています")
    assert message in form.content.decode()


def test_a_key_is_checked_and_belongs_to_one_kind(musashino):
    client = login("tier2-1")
    csrf = _csrf(client)
    bad = _send(client, "/api/v1/visits", _visit_body(), key="short", csrf=csrf)
    assert bad.status_code == 422
    assert bad.json()["errors"]["Idempotency-Key"] == [
        "送信キーは英数字・ハイフン・下線の16〜64文字で指定してください。"
    ]
    key = str(uuid.uuid4())
    assert _send(client, "/api/v1/visits", _visit_body(), key=key, csrf=csrf).status_code == 201
    topic = ConsultationTopic.objects.filter(is_active=True).order_by("id").first()
    reused = _send(
        client,
        "/api/v1/consultations",
        {
            "date": timezone.localdate().isoformat(),
            "consulter_type": "elderly",
            "channel": "on_site",
            "topic_ids": [topic.pk],
        },
        key=key,
        csrf=csrf,
    )
    assert reused.status_code == 422
    assert reused.json()["errors"]["Idempotency-Key"] == [
        "この送信キーは別の種類の記録に使われています。"
    ]


def test_a_resend_after_the_record_was_deleted_records_nothing(musashino):
    client = login("tier2-1")
    csrf = _csrf(client)
    key = str(uuid.uuid4())
    first = _send(client, "/api/v1/visits", _visit_body(), key=key, csrf=csrf)
    Visit.objects.filter(pk=first.json()["id"]).delete()
    again = _send(client, "/api/v1/visits", _visit_body(), key=key, csrf=csrf)
    assert again.status_code == 422
    assert "削除されています" in again.json()["errors"]["Idempotency-Key"][0]
    assert not Visit.objects.filter(place_name="地下の集会室サロン").exists()


def test_without_a_key_every_send_records(musashino):
    client = login("tier2-1")
    csrf = _csrf(client)
    for _ in range(2):
        assert (
            _send(client, "/api/v1/visits", _visit_body(), key=None, csrf=csrf).status_code == 201
        )
    assert Visit.objects.filter(place_name="地下の集会室サロン").count() == 2
    assert not SubmissionKey.objects.exists()


def test_a_send_without_the_csrf_token_is_refused(musashino):
    client = login("tier2-1")
    refused = client.post(
        "/api/v1/visits",
        _visit_body(),
        content_type="application/json",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert refused.status_code in (401, 403)
    assert not Visit.objects.filter(place_name="地下の集会室サロン").exists()


# Skipped before the database is set up (a transactional test skipped inside would still flush
# the database afterwards), and serialized: its flush keeps the migrations' rows for the tests
# after it on the same worker.
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite writes one transaction at a time: no race to test",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_racing_make_one_visit_on_postgresql(musashino):
    """The first send has claimed the key and is still writing; the second finds no claim yet
    (not committed), waits on the unique constraint, then answers with the first's visit."""
    user = User.objects.get(username="tier2-1")
    key = str(uuid.uuid4())
    writing = threading.Event()
    finish = threading.Event()
    results: dict[str, tuple] = {}

    def fields() -> dict:
        return {
            "date": timezone.localdate(),
            "place_name": "地下の集会室サロン",
            "attendees": 9,
        }

    def slow_create():
        visit = services.visit_record(user=user, fields=fields())
        writing.set()
        finish.wait(10)
        return visit

    def first():
        try:
            results["first"] = services.record_once(
                user=user, key=key, kind="visit", create=slow_create
            )
        finally:
            connections.close_all()

    def second():
        try:
            writing.wait(10)
            results["second"] = services.record_once(
                user=user,
                key=key,
                kind="visit",
                create=lambda: services.visit_record(user=user, fields=fields()),
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    writing.wait(10)
    time.sleep(0.5)  # the second send is now waiting on the constraint
    assert "second" not in results
    finish.set()
    for thread in threads:
        thread.join(20)
    (visit_a, created_a), (visit_b, created_b) = results["first"], results["second"]
    assert created_a and not created_b and visit_a.pk == visit_b.pk
    assert Visit.objects.filter(place_name="地下の集会室サロン").count() == 1
    assert SubmissionKey.objects.filter(user=user, key=key).count() == 1


def test_the_session_check_gives_a_fresh_token_to_the_logged_in_user(musashino):
    anonymous = Client().get("/activities/offline/session.json")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = login("tier2-1")
    answer = client.get("/activities/offline/session.json")
    assert answer["Cache-Control"].startswith("max-age=0")
    body = answer.json()
    assert body["user"] == User.objects.get(username="tier2-1").pk and body["can_record"]
    assert len(body["csrf"]) >= 32


def test_the_service_worker_keeps_only_the_two_forms_and_their_files(musashino):
    answer = Client().get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/"
    assert "max-age=0" in answer["Cache-Control"]
    head, _, code = answer.content.decode().partition("\n")
    assert head.startswith("self.SASAEAI_OFFLINE = ")
    config = json.loads(head.removeprefix("self.SASAEAI_OFFLINE = ").rstrip(";"))
    assert config["pages"] == [
        "/activities/visits/new/",
        "/activities/consultations/new/",
        "/activities/offline/",
    ]
    assert "/static/js/offline.js" in config["assets"]
    assert not [url for url in config["pages"] + config["assets"] if "case" in url]
    assert "caches.open" in code and len(config["version"]) == 12


def test_the_forms_carry_the_queue_and_every_page_the_script(musashino):
    client = login("tier2-1")
    visit_form = client.get("/activities/visits/new/").content.decode()
    assert 'data-offline-form="visit"' in visit_form and "data-offline-queue" in visit_form
    consultation_form = client.get("/activities/consultations/new/").content.decode()
    assert 'data-offline-form="consultation"' in consultation_form
    assert 'data-offline-api="/api/v1/consultations"' in consultation_form
    home = client.get("/").content.decode()
    assert "js/offline.js" in home and 'data-offline-worker="/sw.js"' in home
    assert "js/offline.js" not in Client().get("/accounts/login/").content.decode()
    queue = client.get("/activities/offline/")
    assert queue.status_code == 200 and "端末に保存した記録" in queue.content.decode()


def test_editing_a_record_never_waits_offline(musashino):
    """Only new records are queued; a change to a record needs the connection."""
    client = login("tier2-1")
    csrf = _csrf(client)
    sent = _send(client, "/api/v1/visits", _visit_body(), key=str(uuid.uuid4()), csrf=csrf)
    page = client.get(f"/activities/visits/{sent.json()['id']}/edit/").content.decode()
    assert "data-offline-form" not in page


def test_the_queue_page_is_for_those_who_record(musashino):
    assert login("official").get("/activities/offline/").status_code == 403


def test_logging_out_tells_the_browser_to_clear_what_the_site_stored(musashino):
    client = login("tier2-1")
    answer = client.post("/accounts/logout/", headers={"X-CSRFToken": _csrf(client)})
    assert answer.status_code == 302
    assert answer["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/activities/offline/session.json").status_code == 302


def test_the_worker_keeps_every_file_the_two_forms_load(musashino):
    """A form opened offline looks and works as online: each stylesheet and script it loads
    (and each stylesheet those import) is among the worker's files."""
    import posixpath
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    config = json.loads(
        Client()
        .get("/sw.js")
        .content.decode()
        .partition("\n")[0]
        .removeprefix("self.SASAEAI_OFFLINE = ")
        .rstrip(";")
    )
    client = login("tier2-1")
    for url in config["pages"]:
        html = client.get(url).content.decode()
        loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', html)
        assert loaded
        for static_url in loaded:
            assert static_url in config["assets"], (url, static_url)
            if static_url.endswith(".css"):
                css = Path(finders.find(static_url.removeprefix("/static/"))).read_text()
                for imported in re.findall(r'@import url\("([^"]+)"\)', css):
                    folder = posixpath.dirname(static_url)
                    assert posixpath.normpath(f"{folder}/{imported}") in config["assets"]
