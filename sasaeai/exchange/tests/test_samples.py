"""Real municipal files, imported as a city's staff would from a fresh database: `sasaeai
municipality create CODE`, `sasaeai user create … --municipality CODE`, `sasaeai
import-resources FILE --user …` (the files and their licences: samples/SOURCE.md).

Each file must come in whole (at least 95% of its rows) with the right names, points and
days, and every row not imported must say its row, its column and what to do."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from sasaeai.core.recurrence import schedule_to_text
from sasaeai.resources.models import Service

SAMPLES = Path(__file__).parent / "samples"


def _onboard(code: str, username: str) -> None:
    call_command("municipality", "create", code, stdout=io.StringIO())
    call_command(
        "user", "create", username, "--role", "admin", "--municipality", code,
        stdout=io.StringIO(),
    )  # fmt: skip


def _import(name: str, username: str, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import-resources", str(SAMPLES / name), "--user", username, "--yes", "--no-progress",
        *extra, stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return out.getvalue()


def _days(service: Service) -> set[str]:
    days: set[str] = set()
    for schedule in service.schedules.all():
        if schedule.freq == "DAILY":
            days |= {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
        days |= {item[-2:] for item in schedule.byday.split(",") if item}
    return days


@pytest.mark.django_db
def test_kudamatsu_care_services_come_in_whole_with_their_ids_kinds_and_points():
    """下松市 介護サービス事業所一覧 (正式版 headers, CP932): recognised without --map."""
    _onboard("352071", "kudamatsu")
    out = _import("kudamatsu_352071_care_service.csv", "kudamatsu")
    assert "ファイルの形式: opendata　行数: 90" in out
    assert "取り込みました: 新規登録 90件" in out  # 100%
    services = Service.objects.filter(municipality__code="352071")
    assert services.count() == 90
    first = services.get(external_id="KD0000900001")
    assert first.name == "さくら苑指定居宅介護支援事業所"
    assert first.name_kana == "サクラエンシテイキョタクカイゴシエンジギョウショ"
    assert first.location.town.name == "瑞穂町"
    assert first.location.latitude == Decimal("34.023706")
    assert first.location.longitude == Decimal("131.851986")
    assert first.contact_phone == "0833-43-8123"
    assert [c.name for c in first.categories.all()] == ["相談"]
    assert first.description.startswith("サービスの種類: 居宅介護支援事業所")
    # Open data is already published: it arrives public, with consent.
    assert first.is_public and first.publication_consent
    visiting = services.get(external_id="KD0000900036")
    assert [c.name for c in visiting.categories.all()] == ["家事援助"]  # 訪問介護
    # 大字 optional: 「下松市河内1933-1」 is in 大字河内.
    assert services.get(external_id="KD0000900088").location.town.name == "大字河内"
    # A town the shipped data lacks (せせらぎ町) with a good point: the point stays, the
    # nearest town is taken, and the row says so.
    assert (
        "41行目 10列目「所在地_連結表記」: 「山口県下松市せせらぎ町1-2-31」は下松市の町として読めません"
        in out
    )
    sse = services.get(external_id="KD0000900040")
    assert sse.location.latitude == Decimal("34.016243")
    # The same file again: the office IDs are the key, nothing changes.
    again = _import("kudamatsu_352071_care_service.csv", "kudamatsu")
    assert "新規登録 0件・更新 0件・変更なし 90件" in again


@pytest.mark.django_db
def test_takamatsu_english_property_headers_are_recognised():
    """高松市 高齢者福祉施設 (.xlsx, a `#property` row of English names, no Japanese header)."""
    _onboard("372013", "takamatsu")
    out = _import("takamatsu_elderly_welfare_facility.xlsx", "takamatsu")
    assert "取り込みました: 新規登録 47件" in out
    services = Service.objects.filter(municipality__code="372013")
    assert services.count() == 47
    sion = services.get(name__endswith="シオンの丘ホーム")
    assert sion.location.town.name == "香西北町"
    assert sion.location.latitude == Decimal("34.354235")
    assert sion.location.longitude == Decimal("133.995111")
    assert sion.contact_phone == "087-881-4531"
    assert sion.capacity == 70
    assert sion.url == "http://www.bokuyoukai.or.jp/qhm/sion/"
    # 「月火水木金土日」 with 「24時間対応」: every day, Sunday included, the note kept as said
    # and not sent for review.
    assert _days(sion) == {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
    assert "24時間対応" in schedule_to_text(sion.schedules.get())
    assert "要確認" not in out
    assert "サービスの種類: 介護老人福祉施設（特別養護老人ホーム）" in sion.description


@pytest.mark.django_db
def test_yanai_tourism_with_a_comment_line_above_the_header():
    """柳井市 観光施設一覧 (推奨データセット headers, Shift_JIS, 「# 桜井市 観光施設一覧」 above
    the header)."""
    _onboard("352128", "yanai")
    out = _import("yanai_tourism_sjis.csv", "yanai")
    assert "取り込みました: 新規登録 18件" in out
    services = Service.objects.filter(municipality__code="352128")
    assert services.count() == 18
    shirakabe = services.get(name="白壁の町並み")
    assert _days(shirakabe) == {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}  # 月火水木金土日
    assert shirakabe.location.town.name == "柳井津"
    assert shirakabe.location.latitude == Decimal("33.969268")
    assert shirakabe.is_free is True
    kunimori = services.get(name="国森家住宅")
    assert _days(kunimori) == {"TU", "WE", "TH", "FR", "SA", "SU"}  # 火水木金土日: Monday closed
    schedule = kunimori.schedules.get()
    assert (str(schedule.opens_at), str(schedule.closes_at)) == ("09:00:00", "17:00:00")
    assert schedule.closed_year_end  # 「年末年始休館」
    assert kunimori.fee_amount == 200
    assert kunimori.contact_phone == "0820-22-0177"
    # No point in the file: placed at its town, marked approximate.
    assert kunimori.location.town.name == "柳井津"
    assert kunimori.location.is_approximate
    # Remarks that are not days stay in the note, visibly, and the row asks for a check.
    nishigura = services.get(name="やない西蔵")
    assert "火曜日が祝日の場合は開館し、翌日を閉館" in schedule_to_text(nishigura.schedules.get())
    assert "火" not in _days(nishigura)
    assert "8行目 13列目「利用可能曜日」" in out
    oobatake = services.get(name="大畠観光センター")
    assert "トイレは月曜日でも随時利用可能" in schedule_to_text(oobatake.schedules.get())
    assert "MO" not in _days(oobatake)
