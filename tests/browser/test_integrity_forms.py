"""Every record saved as the user meant it (issue 17), on a 375 px phone:

1. A visit has one destination. The visit form pre-selects the last resource visited; the
   coordinator opens 「社会資源にない訪問先」 and types 駅前の喫茶店. The form refuses the two
   destinations with a message at the top, keeps the typed name, and once the pre-selected
   resource is let go the visit is saved against the café; the salon is not confirmed by it.
2. Errors the user can see. Advancing a referral without the person's consent, on a future
   date and with a check date before it: the page comes back with the error summary at the
   top, visible and focused, naming the three mistakes; the collapsed card holding the form is
   open; a link of the summary puts the focus on its field."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from sasaeai.accounts.models import User
from sasaeai.activities import selectors
from sasaeai.activities.models import Visit
from sasaeai.cases.models import Referral
from sasaeai.cases.tests.factories import CaseFactory, ReferralFactory

from .harness import assert_focus_visible, axe_check, login, phone, shot

JOURNEY = "integrity-forms"


def _summary_is_focused_and_visible(page: Page) -> None:
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="入力内容を確認してください")).to_be_visible()
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"], box
    assert_focus_visible(page)


def test_a_visit_to_a_place_not_in_the_database_beside_a_preselected_salon(page: Page):
    user = User.objects.get(username="tier2-1")
    salon = selectors.last_visited_service(user=user)
    assert salon is not None, "the demo gives tier2-1 visits"
    confirmed_before = salon.confirmed_at
    visits_before = Visit.objects.count()

    login(page, "tier2-1")
    phone(page)
    page.goto("/activities/visits/new/")
    picked = page.get_by_role("radio", name=re.compile(re.escape(salon.name)))
    expect(picked).to_be_checked()
    page.get_by_label(re.compile(r"^参加者数")).fill("3")
    page.get_by_text("社会資源にない訪問先").click()
    page.get_by_label(re.compile(r"^訪問先（社会資源にない場合）")).fill("駅前の喫茶店")
    shot(page, JOURNEY, "visit-two-destinations")
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()

    # Refused, said at the top, and nothing typed is lost.
    _summary_is_focused_and_visible(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("訪問先が2つ指定されています")
    expect(summary).to_contain_text(salon.name)
    expect(page.get_by_label(re.compile(r"^訪問先（社会資源にない場合）"))).to_have_value(
        "駅前の喫茶店"
    )
    expect(page.get_by_label(re.compile(r"^参加者数"))).to_have_value("3")
    assert Visit.objects.count() == visits_before
    shot(page, JOURNEY, "visit-refused")
    axe_check(page, label="visit form refused on a phone")

    # The summary's link leads to the resource picker; the coordinator lets the salon go.
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_service")).to_be_focused()
    page.get_by_role("radio", name="選ばない").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()

    visit = Visit.objects.order_by("-id").first()
    assert Visit.objects.count() == visits_before + 1
    assert (visit.service_id, visit.place_name, visit.attendees) == (None, "駅前の喫茶店", 3)
    salon.refresh_from_db()
    assert salon.confirmed_at == confirmed_before
    expect(page.get_by_role("heading", level=1)).to_have_text("訪問の記録")
    expect(page.locator("main")).to_contain_text("駅前の喫茶店")
    shot(page, JOURNEY, "visit-saved")


def test_a_refused_referral_step_is_announced_at_the_top_on_a_phone(page: Page):
    user = User.objects.get(username="tier2-1")
    area = user.areas.order_by("order", "id").first()
    case = CaseFactory(
        municipality=area.municipality, area=area, coordinator=user, consent_to_share=False
    )
    today = timezone.localdate()
    referral = ReferralFactory(case=case, agency_name="境南コミセン 健康体操", status_on=today)

    login(page, "tier2-1")
    phone(page)
    page.goto(f"/cases/{case.pk}/")
    card = page.locator(f"#referral-{referral.pk}")
    card.get_by_text("状態を進める").click()
    # The consent rule is stated before it is broken.
    expect(card).to_contain_text("本人の同意")
    card.get_by_label(re.compile(r"^次の状態")).select_option(label="利用開始")
    card.get_by_label(re.compile(r"^日付")).fill((today + dt.timedelta(days=7)).isoformat())
    card.get_by_label(re.compile(r"^次の確認日")).fill(today.isoformat())
    card.get_by_label(re.compile(r"^メモ")).fill("利用開始を電話で確認")
    with page.expect_navigation():
        card.get_by_role("button", name="記録する").click()

    _summary_is_focused_and_visible(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("本人の同意")
    expect(summary).to_contain_text("未来の日付")
    expect(summary).to_contain_text(re.compile(r"次の確認日.*より前になっています"))
    shot(page, JOURNEY, "referral-refused", full_page=False)
    axe_check(page, label="case page with a refused referral step on a phone")
    # The card holding the form is open, with what was typed.
    card = page.locator(f"#referral-{referral.pk}")
    expect(card.locator("details")).to_have_attribute("open", "")
    expect(card.get_by_label(re.compile(r"^メモ"))).to_have_value("利用開始を電話で確認")
    # A link of the summary brings the focus to its field.
    summary.get_by_role("link", name=re.compile(r"^日付")).click()
    expect(card.get_by_label(re.compile(r"^日付"))).to_be_focused()
    assert Referral.objects.get(pk=referral.pk).status == "proposed"
