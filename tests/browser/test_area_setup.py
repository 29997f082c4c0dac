"""An administrator sets up areas in the browser: the setup checklist, an area made by ticking
towns in the list and by clicking their points on the map (which works without map tiles:
the test browser reaches no tile server), and the towns moved from other areas reported."""

from playwright.sync_api import expect

from sasaeai.org.models import Area, Town

from .harness import axe_check, login, phone, shot

JOURNEY = "area-setup"


def test_administrator_makes_an_area_from_towns_on_the_list_and_the_map(page):
    login(page, "admin")
    page.goto("/org/")
    page.get_by_role("link", name="初期設定（町・圏域・支援センター・利用者）").click()
    page.wait_for_url("**/org/setup/")
    assert "武蔵野市の初期設定" in page.get_by_role("heading", level=1).inner_text()
    assert "町 13件（丁目 51件）" in page.locator("main").inner_text()
    shot(page, JOURNEY, "setup")
    axe_check(page, label="初期設定")

    page.get_by_role("link", name="圏域を追加する").click()
    page.wait_for_url("**/org/areas/new/")
    page.get_by_role("textbox", name="圏域名必須").fill("西部エリア")
    # A town from the list ...
    page.get_by_label("関前（いまは八幡町・関前エリア）").check()
    # ... and one from its point on the map (no tiles: the points are the map).
    sakura = Town.objects.get(name="桜堤")
    point = page.locator(f"path.town-point--{sakura.pk}")
    point.wait_for()
    fill_before = point.get_attribute("fill")
    point.click()
    expect(page.get_by_label("桜堤（いまは境・桜堤エリア）")).to_be_checked()
    expect(point).not_to_have_attribute("fill", fill_before)  # drawn as this area's now
    shot(page, JOURNEY, "towns-chosen")
    axe_check(page, label="圏域の追加")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    status = page.get_by_role("status").inner_text()
    assert "圏域「西部エリア」を追加しました（町 2件）。" in status
    assert "「境・桜堤エリア」から桜堤を移しました。" in status
    assert "「八幡町・関前エリア」から関前を移しました。" in status
    area = Area.objects.get(name="西部エリア")
    assert sorted(area.towns.values_list("name", flat=True)) == ["桜堤", "関前"]
    shot(page, JOURNEY, "area-added")


def test_area_form_on_a_phone(page):
    login(page, "admin")
    phone(page)
    area = Area.objects.get(name="境南エリア")
    page.goto(f"/org/areas/{area.pk}/")
    assert page.get_by_label("境南町").is_checked()
    shot(page, JOURNEY, "area-form-phone")
    axe_check(page, label="圏域の編集（スマートフォン）")
