"""A visit has exactly one destination: a resource (社会資源) or a place named in words
(社会資源にない訪問先), never both. The form pre-selects the last resource visited; a name typed
beside it must not be dropped while the visit is saved against the pre-selected resource (and
confirms it, and counts it in 延べ/実). The form, the API and the database refuse the
ambiguity; the typed name is kept on the form for the user to decide."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.activities import services
from sasaeai.activities.models import Visit
from sasaeai.activities.tests.factories import VisitFactory
from sasaeai.resources.models import Service
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

BOTH = "訪問先が2つ指定されています"


@pytest.fixture
def tier2(musashino):
    return User.objects.get(username="tier2-1")


@pytest.fixture
def client_t2(tier2):
    client = Client()
    client.force_login(tier2)
    return client


@pytest.fixture
def salon(musashino, tier2):
    town = tier2.areas.first().towns.first()
    location = LocationFactory(municipality=musashino, town=town)
    return ServiceFactory(
        municipality=musashino,
        location=location,
        name="自宅開放サロン「えんがわ」",
        confirmed_at=dt.date(2024, 4, 1),
    )


def _post(client, tier2, **fields):
    data = {
        "date": timezone.localdate().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "area": tier2.areas.first().pk,
        "attendees": "8",
        "then": "done",
        **fields,
    }
    return client.post("/activities/visits/new/", data)


def test_the_form_refuses_a_resource_and_a_typed_place_together(client_t2, tier2, salon):
    # The coordinator's last visit was to the salon: the form pre-selects it.
    VisitFactory(coordinator=tier2, service=salon, place_name="", date=dt.date(2024, 4, 1))
    page = client_t2.get("/activities/visits/new/").content.decode()
    assert f'name="service" value="{salon.pk}" checked' in page
    # They open 「社会資源にない訪問先」 and type the café, leaving the pre-selection as it was.
    response = _post(client_t2, tier2, service=salon.pk, place_name="駅前の喫茶店")
    assert response.status_code == 400
    html = response.content.decode()
    assert BOTH in html
    assert "自宅開放サロン「えんがわ」" in html and "駅前の喫茶店" in html
    assert 'value="駅前の喫茶店"' in html  # the typed name stays in the form
    assert Visit.objects.count() == 1
    salon.refresh_from_db()
    assert salon.confirmed_at == dt.date(2024, 4, 1)  # not confirmed by a visit elsewhere


def test_choosing_no_resource_saves_the_typed_place(client_t2, tier2, salon):
    response = _post(client_t2, tier2, service="", place_name="駅前の喫茶店")
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.service_id, visit.place_name) == (None, "駅前の喫茶店")
    salon.refresh_from_db()
    assert salon.confirmed_at == dt.date(2024, 4, 1)


def test_a_blank_typed_place_is_not_a_second_destination(client_t2, tier2, salon):
    response = _post(client_t2, tier2, service=salon.pk, place_name="   ")
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.service_id, visit.place_name) == (salon.pk, "")


def test_the_service_refuses_both_for_every_caller(tier2, salon):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.visit_record(
            user=tier2,
            fields={
                "date": timezone.localdate(),
                "service": salon,
                "place_name": "駅前の喫茶店",
            },
        )
    assert BOTH in caught.value.message_dict["service"][0]
    assert not Visit.objects.exists()


def test_the_api_refuses_both_and_a_patch_that_adds_a_second(tier2, salon):
    client = Client()
    client.force_login(tier2)
    response = client.post(
        "/api/v1/visits",
        {"date": "2024-05-01", "service_id": salon.pk, "place_name": "駅前の喫茶店"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert BOTH in response.json()["errors"]["service"][0]
    assert not Visit.objects.exists()

    created = client.post(
        "/api/v1/visits",
        {"date": "2024-05-01", "service_id": salon.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    patched = client.patch(
        f"/api/v1/visits/{pk}", {"place_name": "駅前の喫茶店"}, content_type="application/json"
    )
    assert patched.status_code == 422
    assert BOTH in patched.json()["errors"]["service"][0]
    # Moving the visit to a typed place means leaving the resource in the same request.
    moved = client.patch(
        f"/api/v1/visits/{pk}",
        {"place_name": "駅前の喫茶店", "service_id": None},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert (moved.json()["service_id"], moved.json()["place_name"]) == (None, "駅前の喫茶店")


def test_the_database_holds_one_destination(tier2, salon):
    visit = VisitFactory(coordinator=tier2, service=salon, place_name="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(place_name="駅前の喫茶店")
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(service=None, place_name="")


def test_existing_visits_with_two_destinations_are_resolved_by_the_migration(tier2, salon):
    """The migration's rule, run on rows as the old form left them: the typed name was a
    deliberate entry beside a pre-selected resource, so it wins; the resource is kept in the
    visit's history (a version saying what was changed and why). A typed name that only
    repeats the resource's own name is dropped; a visit with neither gets a named blank."""
    from importlib import import_module

    from django.apps import apps as global_apps

    migration = import_module("sasaeai.activities.migrations.0004_visit_one_destination_data")
    ok = VisitFactory(coordinator=tier2, service=salon, place_name="")
    both = VisitFactory(coordinator=tier2, service=salon, place_name="")
    same = VisitFactory(coordinator=tier2, service=salon, place_name="")
    neither = VisitFactory(coordinator=tier2, place_name="x")
    # Rows made before the constraint existed: written with the constraint suspended.
    _write_unchecked(both.pk, place_name="駅前の喫茶店")
    _write_unchecked(same.pk, place_name=" 自宅開放サロン「えんがわ」 ")
    _write_unchecked(neither.pk, place_name="")

    changed = migration.resolve_destinations(global_apps, None)

    assert changed == 3
    for visit in (ok, both, same, neither):
        visit.refresh_from_db()
    assert (ok.service_id, ok.place_name) == (salon.pk, "")
    assert (both.service_id, both.place_name) == (None, "駅前の喫茶店")
    assert (same.service_id, same.place_name) == (salon.pk, "")
    assert (neither.service_id, neither.place_name) == (None, "（訪問先未記入）")
    version = both.history.order_by("-history_id").first()
    assert version.service_id is None and version.place_name == "駅前の喫茶店"
    assert "自宅開放サロン「えんがわ」" in version.history_change_reason
    assert Service.objects.filter(pk=salon.pk).exists()


def _write_unchecked(pk: int, **values) -> None:
    """Writes a row as the old code could, with the check constraint out of the way."""
    from django.db import connection

    table = Visit._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows' deferred foreign-key checks must run before the table is altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "visit_one_destination"')
        else:
            cursor.execute("PRAGMA ignore_check_constraints = 1")
        try:
            sets = ", ".join(f'"{name}" = %s' for name in values)
            cursor.execute(f'UPDATE "{table}" SET {sets} WHERE id = %s', [*values.values(), pk])
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "visit_one_destination" CHECK '
                    "((service_id IS NOT NULL AND place_name = '') OR "
                    "(service_id IS NULL AND NOT place_name = '')) NOT VALID"
                )
            else:
                cursor.execute("PRAGMA ignore_check_constraints = 0")
