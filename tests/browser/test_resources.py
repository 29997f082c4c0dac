"""The resource database in a browser: search, see that the list and the map show the same
places, open a record from the map; the public finder on a phone; tiles that cannot load."""

import re

from playwright.sync_api import expect

from sasaeai.org.tests.factories import MunicipalityFactory

from .harness import (
    assert_no_horizontal_overflow,
    axe_check,
    check_text_200,
    desktop,
    format_violations,
    login,
    phone,
    shot,
)

JOURNEY = "resources"


def axe_finder(page, label: str) -> None:
    """The public finder is held to more than the suite's rule: no violation at all, not even
    a moderate or minor one (a heading hidden by a role, a skipped level)."""
    violations = axe_check(page, label=label)
    assert not violations, format_violations(violations)


def _listed_ids(page) -> set[int]:
    return {
        int(value)
        for value in page.locator("tr[data-service-id]").evaluate_all(
            "rows => rows.map(r => r.dataset.serviceId)"
        )
    }


def _marker_ids(page) -> set[int]:
    return set(
        page.evaluate("() => window.sasaeaiResourceMap.markers.getLayers().map(m => m.featureId)")
    )


# Resolves once the map's centre and zoom have stayed the same for three animation frames.
_MAP_STILL = """() => new Promise(resolve => {
  const map = window.sasaeaiResourceMap.map;
  let last = null, same = 0;
  function tick() {
    const c = map.getCenter(), key = c.lat + "," + c.lng + "," + map.getZoom();
    same = key === last ? same + 1 : 0;
    last = key;
    if (same >= 3) { resolve(true); } else { requestAnimationFrame(tick); }
  }
  requestAnimationFrame(tick);
})"""


def test_search_list_and_map_agree_and_a_record_opens(page):
    login(page, "tier2-5")
    desktop(page)
    page.goto("/resources/")
    page.get_by_role("searchbox", name="キーワード").fill("からおけ")
    with page.expect_navigation():
        page.get_by_role("button", name="検索", exact=True).click()
    count = int(page.locator("#resource-count").get_attribute("data-count"))
    assert count >= 3  # the 老人クラブ karaoke, its 大会, and the 歌 synonyms
    listed = _listed_ids(page)
    assert len(listed) == count
    page.wait_for_function("() => window.sasaeaiResourceMap !== undefined")
    assert _marker_ids(page) == listed
    # Every result is drawn: alone, or inside a group marker where markers would overlap.
    drawn = page.evaluate(
        "() => { let n = 0; window.sasaeaiResourceMap.map.eachLayer(l => {"
        " if (l instanceof L.Marker) n += l.groupSize || 1; }); return n; }"
    )
    assert drawn == count
    # Tiles cannot load here (outside requests are blocked): the page says so and still works.
    page.locator("#resource-map-tiles-failed").wait_for(state="visible")
    shot(page, JOURNEY, "search-karaoke")
    axe_check(page, label="社会資源の検索（からおけ）")

    # Open a record from a marker's popup.
    marker = page.locator(".leaflet-marker-icon").first
    marker.click()
    link = page.locator(".leaflet-popup a.rmarker-popup__link")
    expect(link).to_be_visible()
    name = link.inner_text()
    # The popup pans the map to show itself (and the marker pans it when focused): a press
    # while the map still moves lands on the link and is released beside it, which opens
    # nothing. Wait until the map stands still, then open the link from the keyboard, as a
    # keyboard user does (the mouse opened the popup).
    page.wait_for_function(_MAP_STILL)
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    assert re.search(r"/resources/\d+/$", page.url)
    shot(page, JOURNEY, "record")
    axe_check(page, label="社会資源の詳細")


def test_filters_keep_list_and_map_together(page):
    login(page, "tier1")
    desktop(page)
    page.goto("/resources/")
    page.get_by_text("絞り込み").click()
    page.get_by_label("活動の種類").select_option(label="体操・運動")
    page.get_by_label("火曜").check()
    with page.expect_navigation():
        page.get_by_role("button", name="この条件で検索").click()
    listed = _listed_ids(page)
    assert listed
    page.wait_for_function("() => window.sasaeaiResourceMap !== undefined")
    assert _marker_ids(page) == listed
    shot(page, JOURNEY, "filter-exercise-tuesday")


def test_public_finder_on_a_phone(page):
    phone(page)
    page.goto("/finder/")  # one municipality in the demo: straight to its search
    assert page.url.endswith("/finder/132039/")
    assert "通いの場" in page.get_by_role("heading", level=1).inner_text()
    axe_finder(page, "公開検索（はじめ）")
    page.get_by_label("ことばでさがす").fill("しょくどう")
    with page.expect_navigation():
        page.get_by_role("button", name="さがす", exact=True).click()
    assert page.get_by_role("link", name="よりあい食堂").count() == 1
    # The count is a heading of its own (under the page's h1), announced as a status.
    results = page.get_by_role("heading", level=2, name=re.compile(r"\d+件 見つかりました"))
    assert results.count() == 1
    assert_no_horizontal_overflow(page)
    shot(page, JOURNEY, "finder-phone")
    axe_finder(page, "公開検索（スマートフォン）")
    check_text_200(page, JOURNEY, "finder-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="よりあい食堂").click()
    assert page.get_by_role("heading", level=1).inner_text() == "よりあい食堂"
    assert "職員メモ" not in page.content()
    axe_finder(page, "公開ページ（よりあい食堂）")


def test_public_finder_choose_a_municipality_empty_result_and_brochure_list(page):
    MunicipalityFactory(code="132136", name="東村山市")
    phone(page)
    page.goto("/finder/")
    axe_finder(page, "公開検索（市区町村を選ぶ）")
    with page.expect_navigation():
        page.get_by_role("link", name="武蔵野市").click()
    assert page.url.endswith("/finder/132039/")
    page.goto("/finder/132039/?q=" + "存在しない活動のなまえ")
    assert page.get_by_role("heading", level=2, name="0件 見つかりました").count() == 1
    assert page.get_by_text("条件に合う場所が見つかりませんでした").is_visible()
    axe_finder(page, "公開検索（0件）")
    page.goto("/finder/132039/brochure/")
    shot(page, JOURNEY, "finder-brochure-list")
    axe_finder(page, "印刷用の一覧")
    link = page.get_by_role("link", name=re.compile(r"の一覧（PDF）")).first
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
