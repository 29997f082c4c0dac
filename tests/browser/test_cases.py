"""The seed's two stories, entered and followed to their outcome through the pages by tier-2
coordinators: a case is registered, matching suggests places with their reasons, one click
makes the suggestion a referral (提案), and the referral moves 見学・体験 → 利用開始 → 定着 →
終了 with the outcome; the follow-ups due appear on the home page in between.

This is also the "find a place for a case, refer, check follow-ups due" part of the
coordinator's day (issue 11)."""

import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from sasaeai.org.models import Town

from .harness import axe_check, login, logout, shot

JOURNEY = "cases-stories"


def _field(page: Page | Locator, label: str):
    """A form field by its label (required fields show 必須 after the label)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}(必須)?\s*$"))


def _area_of(town: str) -> str:
    return Town.objects.select_related("area").get(name=town, municipality__code="132039").area.name


def _register_case(page: Page, *, fields: dict, selects: dict, checks: list[str]) -> None:
    """Opens the case form from the case list and fills it as a coordinator would."""
    page.goto("/cases/")
    page.get_by_role("link", name="ケースを登録する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ケース")
    for label, value in selects.items():
        _field(page, label).select_option(label=value)
    for label, value in fields.items():
        _field(page, label).fill(value)
    for label in checks:
        _field(page, label).check()


def _save_case(page: Page) -> str:
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text(re.compile(r"ケース \S+ を登録しました。"))).to_be_visible()
    heading = page.get_by_role("heading", level=1).inner_text()
    return re.search(r"ケース (\S+)", heading).group(1)


def _referral(page: Page, name: str):
    return page.locator("article.referral").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(re.escape(name)))
    )


def _advance(
    page: Page,
    name: str,
    status: str,
    *,
    day: str,
    note: str = "",
    follow_up: str = "",
    outcome: str = "",
    outcome_note: str = "",
) -> None:
    """Opens 状態を進める on one referral and records the next status."""
    card = _referral(page, name)
    card.get_by_text("状態を進める").click()
    _field(card, "次の状態").select_option(label=status)
    _field(card, "日付").fill(day)
    if note:
        _field(card, "メモ").fill(note)
    if follow_up:
        _field(card, "次の確認日").fill(follow_up)
    if outcome:
        _field(card, "結果（終了・中断のとき）").select_option(label=outcome)
    if outcome_note:
        _field(card, "結果の補足").fill(outcome_note)
    with page.expect_navigation():
        card.get_by_role("button", name="記録する").click()
    expect(page.get_by_text(f"を「{status}」にしました。")).to_be_visible()
    expect(_referral(page, name).locator(".badge").first).to_have_text(status)


def test_the_61_year_old_woman_becomes_a_volunteer(page: Page):
    """Story 1: 要支援1, a former home helper, low in mood, wants people near home → the
    テンミリオンハウス near her home, first as a participant, now helping others there."""
    today = timezone.localdate().isoformat()
    login(page, "tier2-6")
    _register_case(
        page,
        selects={
            "担当圏域": _area_of("境南町"),
            "性別": "女性",
            "要介護度等": "要支援1",
            "町": "境南町",
            "丁目": "境南町4丁目",
            "参加の形": "どちらでも",
        },
        fields={
            "受付日": today,
            "相談者の補足": "地域包括支援センターのケアマネジャー",
            "年齢": "61",
            "本人の言葉での希望": "以前はホームヘルパーの仕事をしていたが、体調を崩して要支援1に"
            "なった。気分が落ち込みがちで、自宅の近くで人と交流できる場所はないか。",
            "歩ける距離（m）": "800",
            "同意日": today,
        },
        checks=["人との交流", "役割・人の役に立つこと", "社会資源への情報提供に同意", "火", "木"],
    )
    shot(page, JOURNEY, "woman-form")
    axe_check(page, label="case form")
    number = _save_case(page)
    shot(page, JOURNEY, "woman-case")
    axe_check(page, label="case detail")

    page.get_by_role("link", name="合う社会資源を探す").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("合う社会資源")
    first = page.locator("ol.suggestions > li").first
    expect(first.get_by_role("heading", level=3)).to_contain_text("テンミリオンハウス")
    # The reasons are shown in Japanese: the distance on foot and her free Tuesday.
    expect(first.locator(".reasons")).to_contain_text("徒歩約")
    expect(first.locator(".reasons")).to_contain_text("火")
    house = first.get_by_role("heading", level=3).locator("a").inner_text().strip()
    shot(page, JOURNEY, "woman-suggestions")
    axe_check(page, label="case matching")

    with page.expect_navigation():
        first.get_by_role("button", name=re.compile("つなぎ先に加える")).click()
    expect(page.get_by_text(f"「{house}」をつなぎ先（提案）に加えました。")).to_be_visible()
    expect(_referral(page, house).locator(".badge").first).to_have_text("提案")
    shot(page, JOURNEY, "woman-proposed")

    _advance(
        page,
        house,
        "見学・体験",
        day=today,
        note="ケアマネジャーと本人が訪問し、ほかの利用者と昼食をともにした",
        follow_up=today,
    )
    shot(page, JOURNEY, "woman-trial")

    # The follow-up due today is on the coordinator's home page.
    page.goto("/")
    panel = page.get_by_role("region", name="つなぎの確認予定")
    expect(panel.get_by_role("link", name=f"ケース {number}")).to_be_visible()
    expect(panel).to_contain_text(f"{house}（見学・体験）")
    shot(page, JOURNEY, "woman-follow-up-on-home")
    axe_check(page, label="home with follow-ups")
    with page.expect_navigation():
        panel.get_by_role("link", name=f"ケース {number}").click()

    _advance(page, house, "利用開始", day=today, note="毎週火曜に通うことになった", follow_up=today)
    _advance(page, house, "定着", day=today, note="ほかの利用者の手伝いをしている")
    _advance(
        page,
        house,
        "終了",
        day=today,
        note="定着を確認し、経過観察を終えた",
        outcome="ボランティアとして活動",
        outcome_note="毎週火曜に通い、ほかの利用者の手伝いをしている",
    )
    card = _referral(page, house)
    expect(card).to_contain_text("結果: ボランティアとして活動")
    for step in ("提案", "見学・体験", "利用開始", "定着", "終了"):
        expect(card.locator("ol.transitions")).to_contain_text(step)
    shot(page, JOURNEY, "woman-outcome")
    axe_check(page, label="case with outcome")

    # Nothing is left to follow up for this case.
    page.goto("/")
    expect(page.get_by_role("region", name="つなぎの確認予定")).not_to_contain_text(
        f"ケース {number}"
    )


def test_the_73_year_old_man_leaves_day_service(page: Page):
    """Story 2: 要支援1, recovered, walks 2 km, new to the city, caring, likes karaoke → the
    つどいの場 near home and the senior club's karaoke; he left day service."""
    today = timezone.localdate().isoformat()
    login(page, "tier2-3")
    _register_case(
        page,
        selects={
            "担当圏域": _area_of("中町"),
            "性別": "男性",
            "要介護度等": "要支援1",
            "町": "中町",
            "丁目": "中町2丁目",
            "参加の形": "どちらでも",
        },
        fields={
            "受付日": today,
            "年齢": "73",
            "本人の言葉での希望": "デイサービスに通っていたが、体力が回復し2キロ以上歩けるように"
            "なった。他市から転居してきて近所に知り合いがいない。人の役に立ちたい。",
            "趣味・関心": "カラオケ",
            "歩ける距離（m）": "2000",
            "同意日": today,
        },
        checks=[
            "人との交流",
            "役割・人の役に立つこと",
            "社会資源への情報提供に同意",
            "月",
            "火",
            "水",
            "木",
            "金",
        ],
    )
    number = _save_case(page)
    shot(page, JOURNEY, "man-case")

    page.get_by_role("link", name="合う社会資源を探す").click()
    suggestions = page.locator("ol.suggestions > li")
    expect(suggestions.first).to_be_visible()
    names = suggestions.get_by_role("heading", level=3).all_inner_texts()
    # A place the seed's coordinator chose comes first: the senior club's karaoke or the
    # つどいの場 near his home, and both are among the suggestions.
    assert re.search("老人クラブ カラオケ|つどいの場", names[0]), names
    assert any("つどいの場" in name for name in names), names
    karaoke = suggestions.filter(has_text="カラオケ: 一致").first
    expect(karaoke).to_be_visible()
    karaoke_name = karaoke.get_by_role("heading", level=3).locator("a").inner_text().strip()
    assert "老人クラブ" in karaoke_name
    shot(page, JOURNEY, "man-suggestions")
    axe_check(page, label="case matching (man)")

    tsudoi = suggestions.filter(has_text="つどいの場").first
    tsudoi_name = tsudoi.get_by_role("heading", level=3).locator("a").inner_text().strip()
    with page.expect_navigation():
        tsudoi.get_by_role("button", name=re.compile("つなぎ先に加える")).click()
    expect(_referral(page, tsudoi_name).locator(".badge").first).to_have_text("提案")
    page.get_by_role("link", name="合う社会資源を探す").click()
    karaoke = page.locator("ol.suggestions > li").filter(has_text=karaoke_name).first
    with page.expect_navigation():
        karaoke.get_by_role("button", name=re.compile("つなぎ先に加える")).click()
    expect(_referral(page, karaoke_name).locator(".badge").first).to_have_text("提案")
    shot(page, JOURNEY, "man-two-proposals")

    _advance(
        page,
        tsudoi_name,
        "見学・体験",
        day=today,
        note="近所の知り合いと一緒につどいの場に行った",
        follow_up=today,
    )
    _advance(
        page,
        karaoke_name,
        "見学・体験",
        day=today,
        note="自分でカラオケの見学に行った",
        follow_up=today,
    )
    page.goto("/")
    panel = page.get_by_role("region", name="つなぎの確認予定")
    expect(panel).to_contain_text(f"{tsudoi_name}（見学・体験）")
    expect(panel).to_contain_text(f"{karaoke_name}（見学・体験）")
    shot(page, JOURNEY, "man-follow-ups-on-home")
    page.goto("/cases/follow-ups/")
    expect(page.get_by_role("link", name=number, exact=True)).to_have_count(2)
    shot(page, JOURNEY, "man-follow-ups")
    axe_check(page, label="follow-ups due")
    with page.expect_navigation():
        page.get_by_role("link", name=number, exact=True).first.click()

    _advance(
        page, tsudoi_name, "利用開始", day=today, note="デイサービスに行かず自主的に通い始めた"
    )
    _advance(page, tsudoi_name, "定着", day=today, note="毎週通い、チラシ折りを担っている")
    _advance(
        page,
        tsudoi_name,
        "終了",
        day=today,
        outcome="デイサービスから移行",
        outcome_note="デイサービスをやめ、つどいの場に毎週自主的に通っている",
    )
    _advance(page, karaoke_name, "利用開始", day=today, note="老人クラブに入会し、定例会に参加")
    _advance(
        page,
        karaoke_name,
        "終了",
        day=today,
        outcome="会員として入会",
        outcome_note="老人クラブに入会",
    )
    expect(_referral(page, tsudoi_name)).to_contain_text("結果: デイサービスから移行")
    expect(_referral(page, karaoke_name)).to_contain_text("結果: 会員として入会")
    shot(page, JOURNEY, "man-outcome")
    axe_check(page, label="case with outcomes (man)")
    logout(page)
