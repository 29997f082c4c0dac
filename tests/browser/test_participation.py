"""A tier-1 coordinator's path through issue 23: enter a month of participation for a salon,
import a population file (preview, then import), open the gap map and see the towns ranked,
attach one to a regional issue, and download the 通いの場 survey workbook; axe and the phone
layout on each page, screenshots for docs/img/participation/."""

import datetime as dt
import shutil
from pathlib import Path

from .harness import assert_no_horizontal_overflow, axe_check, desktop, login, phone, shot

JOURNEY = "tier1-participation-gaps"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img" / "participation"

POPULATION = (
    "町丁別年齢別人口（令和8年2月1日現在）\n"
    "町丁名,総数,0～64歳,65～74歳,75歳以上\n"
    "御殿山一丁目,2100,1500,320,280\n"
    "御殿山2丁目,2500,1888,330,282\n"
    "境南町三丁目,3000,2400,300,300\n"
    "合計,7600,5788,950,862\n"
)


def _keep(path: Path, name: str) -> None:
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS_IMG / name)


def test_tier1_enters_participation_imports_population_and_attaches_a_gap(page, tmp_path):
    login(page, "tier1")
    desktop(page)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="通いの場と空白地域"
    ).click()
    page.wait_for_url("**/participation/")
    axe_check(page, label="通いの場の参加実績")

    # A month of participation for a salon.
    page.get_by_role("link", name="参加実績を入力する").click()
    page.wait_for_url("**/participation/record/")
    service = page.get_by_label("通いの場")
    first_option = service.locator("option").nth(1)
    service.select_option(first_option.get_attribute("value"))
    page.get_by_label("開催回数").fill("4")
    page.get_by_label("参加者の実人数").fill("18")
    page.get_by_label("参加者の延べ人数").fill("60")
    page.get_by_label("うち65歳以上（実人数）").fill("20")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    assert "実人数（18人）を超えています" in page.content()  # the error, the input kept
    assert page.get_by_label("参加者の延べ人数").input_value() == "60"
    axe_check(page, label="参加実績の入力（誤り）")
    page.get_by_label("うち65歳以上（実人数）").fill("16")
    shot(page, JOURNEY, "participation-entry")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/participation/")
    assert "参加実績を保存しました" in page.content()

    # A population file: preview, then import.
    page.get_by_role("link", name="人口を取り込む").click()
    path = tmp_path / "町丁別人口.csv"
    path.write_bytes(POPULATION.encode("cp932"))
    page.get_by_label("人口のファイル").set_input_files(str(path))
    page.get_by_label("基準日").fill((dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="内容を確認する").click()
    page.wait_for_url("**/population/import/*/")
    assert "3町丁の人口を取り込みます" in page.content()
    axe_check(page, label="人口の取り込み（確認）")
    _keep(shot(page, JOURNEY, "population-preview"), "population-preview.png")
    page.get_by_role("button", name="取り込む").click()
    page.wait_for_url("**/participation/gaps/")

    # The gap map and the ranking.
    assert "空白度 ＝ 65歳以上の住民数" in page.content()
    ranking = page.locator("table.gap-table tbody tr")
    assert ranking.count() == 3
    assert "御殿山二丁目" in ranking.nth(0).inner_text()  # 612 residents 65+, no weekly place
    page.locator(".leaflet-interactive").first.wait_for()
    axe_check(page, label="空白地域")
    _keep(shot(page, JOURNEY, "gap-map"), "gap-map.png")
    phone(page)
    assert_no_horizontal_overflow(page)
    desktop(page)

    # Attach the worst gap to a regional issue.
    form = page.locator("form[action$='/participation/gaps/attach/']")
    form.get_by_label("町丁").select_option(index=1)
    form.get_by_label("地域課題").select_option(index=1)
    form.get_by_role("button", name="根拠に追加する").click()
    page.wait_for_url("**/councils/issues/*/")
    assert "御殿山二丁目: 65歳以上 612人、徒歩500m以内に週1回以上の通いの場" in page.content()
    assert "数値の根拠" in page.content()
    _keep(shot(page, JOURNEY, "issue-with-gap"), "issue-with-gap.png")

    # The survey workbook.
    page.goto(page.url.split("/councils/")[0] + "/participation/")
    with page.expect_download() as info:
        page.get_by_role("link", name="通いの場調査の集計（Excel）").click()
    with open(info.value.path(), "rb") as handle:
        assert handle.read(2) == b"PK"
