"""Forms without friction in a browser (issue 21): on the case form the 丁目 list follows the
chosen 町 (only that town's blocks are offered; a block chosen first chooses its town)."""

import re

from playwright.sync_api import Page, expect

from sasaeai.org.models import Town, TownBlock

from .harness import login, phone


def _offered(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#id_town_block option[data-town]", "os => os.filter(o => !o.hidden).map(o => o.text)"
    )


def test_the_block_list_follows_the_chosen_town(page: Page):
    kyonan = Town.objects.get(name="境南町")
    higashi = Town.objects.get(name="吉祥寺東町")
    login(page, "tier2-1")
    phone(page)
    page.goto("/cases/new/")
    town = page.get_by_label(re.compile(r"^町"))
    town.select_option(str(kyonan.pk))
    offered = _offered(page)
    assert offered == [
        f"境南町{b.number}丁目" for b in TownBlock.objects.filter(town=kyonan).order_by("number")
    ], offered
    block = page.get_by_label(re.compile(r"^丁目"))
    block.select_option(label="境南町2丁目")
    # Another town: its blocks only, and the block of the first town is let go.
    town.select_option(str(higashi.pk))
    assert all(text.startswith("吉祥寺東町") for text in _offered(page)), _offered(page)
    expect(block).to_have_value("")
    # No town yet: every block, and choosing one chooses its town.
    town.select_option("")
    assert (
        len(_offered(page))
        == TownBlock.objects.filter(town__municipality=kyonan.municipality).count()
    )
    block.select_option(label="境南町3丁目")
    expect(town).to_have_value(str(kyonan.pk))


def test_the_resource_map_first_fits_its_markers_and_speaks_japanese(page: Page):
    """The first view of the map spreads the markers over it (fitted to them in quarter zoom
    steps, not a whole level out with every place in one blob); Leaflet's controls and popups
    are named in Japanese."""
    login(page, "tier1")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/resources/")
    page.wait_for_function("() => window.sasaeaiResourceMap")
    spread = page.evaluate(
        """() => {
          const {map, markers} = window.sasaeaiResourceMap;
          const size = map.getSize();
          const points = markers.getLayers().map(m => map.latLngToContainerPoint(m.getLatLng()));
          const xs = points.map(p => p.x), ys = points.map(p => p.y);
          return {
            count: points.length,
            width: (Math.max(...xs) - Math.min(...xs)) / size.x,
            height: (Math.max(...ys) - Math.min(...ys)) / size.y,
            inside: points.every(p => p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y),
          };
        }"""
    )
    assert spread["count"] > 10 and spread["inside"], spread
    assert max(spread["width"], spread["height"]) > 0.7, spread
    names = page.eval_on_selector_all(
        "#resource-map [title], #resource-map [aria-label]",
        "els => els.map(e => (e.getAttribute('title') || '') + (e.getAttribute('aria-label') || ''))",
    )
    english = [n for n in names if re.search(r"[A-Za-z]{4,}", n)]
    assert not english, english
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "拡大")
    # A marker drawn on its own (others may be drawn as one group marker where they overlap).
    page.evaluate(
        """() => {
          const {map, markers} = window.sasaeaiResourceMap;
          markers.getLayers().find(m => map.hasLayer(m)).openPopup();
        }"""
    )
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "閉じる")
