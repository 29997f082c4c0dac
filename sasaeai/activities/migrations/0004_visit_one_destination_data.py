"""Visits saved with two destinations (a resource and a typed place name) before a visit could
have only one: the old form pre-selected the last resource visited, and a place name typed
beside it was saved along with it. The typed name is the user's deliberate entry, so it wins
and the resource is taken off the visit; a typed name that only repeats the resource's own name
is dropped instead. A visit with neither gets 「（訪問先未記入）」, the label it already showed.
Each changed visit gets a history version saying what was changed and why, so that nothing is
changed silently and the resource can be put back by hand.

The next migration adds the check constraint that holds one destination per visit."""

import unicodedata

from django.db import migrations
from django.utils import timezone

UNNAMED = "（訪問先未記入）"


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def resolve_destinations(apps, schema_editor) -> int:
    Visit = apps.get_model("activities", "Visit")
    Historical = apps.get_model("activities", "HistoricalVisit")
    Service = apps.get_model("resources", "Service")
    historical_names = {f.attname for f in Historical._meta.concrete_fields}
    now = timezone.now()
    changed = 0
    rows = Visit.objects.filter(service__isnull=False).exclude(place_name="") | Visit.objects.filter(
        service__isnull=True, place_name=""
    )
    for visit in rows.order_by("pk").iterator():
        typed = (visit.place_name or "").strip()
        if visit.service_id is None:
            visit.place_name = typed or UNNAMED
            reason = "訪問先の記入がなかったため「（訪問先未記入）」とした（データ移行）"
        else:
            name = Service.objects.filter(pk=visit.service_id).values_list("name", flat=True)
            name = name.first() or ""
            if not typed:
                visit.place_name = ""
                reason = "空白だけの訪問先の名称を空欄にした（データ移行）"
            elif _folded(typed) == _folded(name):
                visit.place_name = ""
                reason = f"訪問先の名称が社会資源「{name[:40]}」と同じため名称を空欄にした（データ移行）"
            else:
                visit.place_name = typed
                reason = (
                    f"訪問先の二重指定を解消（データ移行）: 社会資源「{name[:30]}」"
                    f"（ID {visit.service_id}）を外し、入力された名称を訪問先とした"
                )
                visit.service_id = None
        Visit.objects.filter(pk=visit.pk).update(
            service_id=visit.service_id, place_name=visit.place_name
        )
        values = {
            f.attname: getattr(visit, f.attname)
            for f in Visit._meta.concrete_fields
            if f.attname in historical_names
        }
        Historical.objects.create(
            **values,
            history_date=now,
            history_type="~",
            history_change_reason=reason[:100],
            history_user_id=None,
        )
        changed += 1
    return changed


def _forward(apps, schema_editor) -> None:
    resolve_destinations(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_consultation_case"),
    ]

    operations = [migrations.RunPython(_forward, migrations.RunPython.noop)]
