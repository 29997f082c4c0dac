"""A regional issue moves through the seed's pipeline in a real browser: a tier-2 coordinator
raises it and takes it to the tier-2 step; the tier-1 coordinator pools it and reports it to
the tier-1 council; an official reads the overview."""

from playwright.sync_api import expect

from .harness import axe_check, login, logout, phone, shot

JOURNEY = "councils-pipeline"


def test_an_issue_moves_through_the_pipeline(page):
    login(page, "tier2-1")
    page.goto("/councils/")
    shot(page, JOURNEY, "overview")
    axe_check(page, label="councils overview")

    page.get_by_role("link", name="地域課題を登録する").first.click()
    page.get_by_label("課題名").fill("買い物に行く手段がない（御殿山）")
    page.get_by_label("内容").fill("バス停が遠く、坂が多いため、買い物に行けない高齢者が多い。")
    page.get_by_label("移動手段").check()
    page.get_by_label("提起した日").fill("2025-06-02")
    shot(page, JOURNEY, "raise-form")
    axe_check(page, label="issue form")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("買い物に行く手段がない（御殿山）")
    expect(page.get_by_text("把握", exact=True).first).to_be_visible()
    shot(page, JOURNEY, "raised")
    axe_check(page, label="issue detail")

    # The next step is proposed; it needs no reason.
    page.get_by_label("日付").fill("2025-06-20")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("段階を「第2層で検討」にしました。")).to_be_visible()
    shot(page, JOURNEY, "tier2-review")

    # Skipping to the tier-1 council without a reason is refused, and the form keeps input.
    issue_url = page.url
    page.goto(issue_url + "advance/")
    page.get_by_label("次の段階").select_option(label="第1層協議体に報告")
    page.get_by_label("日付").fill("2025-06-25")
    page.get_by_role("button", name="保存する").click()
    expect(
        page.locator("[data-error-summary]").get_by_text("段階を飛ばす・戻す理由を入力してください")
    ).to_be_visible()
    shot(page, JOURNEY, "skip-refused")
    logout(page)

    login(page, "tier1")
    phone(page)
    page.goto(issue_url)
    page.get_by_label("日付").fill("2025-07-10")
    page.get_by_label("理由・経過").fill("各エリアの移動の課題とあわせて集約")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("段階を「連携会議で集約」にしました。")).to_be_visible()
    page.get_by_label("日付").fill("2025-07-24")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("段階を「第1層協議体に報告」にしました。")).to_be_visible()
    shot(page, JOURNEY, "reported-phone")
    axe_check(page, label="issue detail on a phone")
    logout(page)

    login(page, "official")
    page.goto("/councils/")
    expect(page.get_by_text("身近な集いの場の拡充と男性の参加促進について（答申）")).to_be_visible()
    shot(page, JOURNEY, "official-overview")
