"""Regional issues, their pipeline and evidence, council meetings and proposals, through the
services, pages and API that coordinators, officials and council members use."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sasaeai.accounts.models import User
from sasaeai.activities.models import Channel, Consultation, ConsulterType, Meeting, MeetingType
from sasaeai.cases.models import Case
from sasaeai.councils import services
from sasaeai.councils.demo import THREAD_TITLE, load_thread
from sasaeai.councils.models import (
    Council,
    IssueEvidence,
    IssueStatus,
    IssueTheme,
    Proposal,
    Recommendation,
    RegionalIssue,
)
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(musashino):
    areas = list(Area.objects.filter(municipality=musashino).order_by("order"))
    return {
        "m": musashino,
        "east": areas[0],  # 吉祥寺東・南エリア, tier2-1
        "south": areas[5],  # 境南エリア, tier2-6
        "tier1": User.objects.get(username="tier1"),
        "tier2": User.objects.get(username="tier2-1"),
        "tier2_other": User.objects.get(username="tier2-6"),
        "official": User.objects.get(username="official"),
        "council": User.objects.get(username="council"),
    }


def consultation(world, area, *, summary="サロンが近くにない", day=dt.date(2025, 5, 1)):
    record = Consultation(
        municipality=world["m"],
        coordinator=world["tier1"],
        tier=1,
        area=area,
        date=day,
        consulter_type=ConsulterType.ELDERLY,
        channel=Channel.PHONE,
        summary=summary,
        referral="none",
    )
    record.full_clean()
    record.save()
    return record


def meeting(world, *, area=None, council=None, day=dt.date(2025, 5, 20), title="地域ケア会議"):
    record = Meeting(
        municipality=world["m"],
        coordinator=world["tier1"],
        tier=1,
        area=area,
        date=day,
        meeting_type=MeetingType.COMMUNITY_CARE,
        title=title,
        council=council,
    )
    record.full_clean()
    record.save()
    return record


def issue(world, user=None, areas=None, title="男性の居場所がない"):
    user = user or world["tier2"]
    return services.issue_create(
        user=user,
        title=title,
        description="男性が参加できる場が少ない。",
        areas=areas if areas is not None else [world["east"]],
        themes=IssueTheme.objects.filter(code__in=["men", "gathering_places"]),
        raised_on=dt.date(2025, 4, 10),
    )


class TestPipeline:
    def test_tier2_raises_an_issue_in_its_area(self, world):
        created = issue(world)
        assert created.status == IssueStatus.IDENTIFIED
        assert created.transitions.count() == 1

    def test_tier2_cannot_raise_an_issue_for_another_area(self, world):
        with pytest.raises(ValidationError, match="担当外の圏域"):
            issue(world, areas=[world["south"]])
        assert not RegionalIssue.objects.exists()

    def test_next_step_needs_no_reason(self, world):
        created = issue(world)
        services.issue_advance(
            user=world["tier2"],
            issue=created,
            to_status=IssueStatus.TIER2_REVIEW,
            date=dt.date(2025, 5, 1),
        )
        created.refresh_from_db()
        assert created.status == IssueStatus.TIER2_REVIEW

    def test_skipping_a_step_without_reason_is_refused_and_nothing_changes(self, world):
        created = issue(world)
        with pytest.raises(ValidationError) as info:
            services.issue_advance(
                user=world["tier1"],
                issue=created,
                to_status=IssueStatus.REPORTED,
                date=dt.date(2025, 5, 1),
            )
        assert "順番どおりではありません" in str(info.value)
        created.refresh_from_db()
        assert created.status == IssueStatus.IDENTIFIED
        assert created.transitions.count() == 1

    def test_moving_back_needs_a_reason(self, world):
        created = issue(world)
        services.issue_advance(
            user=world["tier2"],
            issue=created,
            to_status=IssueStatus.TIER2_REVIEW,
            date=dt.date(2025, 5, 1),
        )
        with pytest.raises(ValidationError, match="理由"):
            services.issue_advance(
                user=world["tier2"],
                issue=created,
                to_status=IssueStatus.IDENTIFIED,
                date=dt.date(2025, 5, 2),
            )
        services.issue_advance(
            user=world["tier2"],
            issue=created,
            to_status=IssueStatus.IDENTIFIED,
            date=dt.date(2025, 5, 2),
            reason="根拠が足りず、もう一度把握から",
        )
        created.refresh_from_db()
        assert created.status == IssueStatus.IDENTIFIED

    def test_tier2_cannot_report_to_the_tier1_council(self, world):
        created = issue(world)
        for step in (IssueStatus.TIER2_REVIEW, IssueStatus.POOLED):
            services.issue_advance(
                user=world["tier2"], issue=created, to_status=step, date=dt.date(2025, 5, 1)
            )
        with pytest.raises(ValidationError, match="第1層コーディネーター"):
            services.issue_advance(
                user=world["tier2"],
                issue=created,
                to_status=IssueStatus.REPORTED,
                date=dt.date(2025, 5, 2),
            )

    def test_step_dated_with_its_meeting(self, world):
        created = issue(world)
        where = meeting(world, area=world["east"])
        step = services.issue_advance(
            user=world["tier1"],
            issue=created,
            to_status=IssueStatus.TIER2_REVIEW,
            date=dt.date(2025, 5, 20),
            meeting=where,
        )
        assert step.meeting == where and step.date == dt.date(2025, 5, 20)

    def test_future_date_refused(self, world):
        created = issue(world)
        with pytest.raises(ValidationError, match="未来"):
            services.issue_advance(
                user=world["tier1"],
                issue=created,
                to_status=IssueStatus.TIER2_REVIEW,
                date=dt.date.today() + dt.timedelta(days=3),
            )

    def test_other_area_tier2_cannot_advance(self, world):
        created = issue(world)
        with pytest.raises(PermissionDenied):
            services.issue_advance(
                user=world["tier2_other"],
                issue=created,
                to_status=IssueStatus.TIER2_REVIEW,
                date=dt.date(2025, 5, 1),
            )


class TestMerge:
    def test_tier2_issues_merge_into_a_city_wide_issue_keeping_history(self, world):
        east = issue(world, title="東の集いの場不足")
        south = issue(
            world, user=world["tier2_other"], areas=[world["south"]], title="境南の集いの場不足"
        )
        services.evidence_attach(
            user=world["tier1"],
            issue=south,
            kind="consultation",
            record_id=consultation(world, world["south"]).pk,
        )
        city = issue(world, user=world["tier1"], areas=[], title="市全域で集いの場が不足")
        services.issue_merge(user=world["tier1"], target=city, sources=[east, south])
        city.refresh_from_db()
        assert {a.name for a in city.areas.all()} == {world["east"].name, world["south"].name}
        assert city.evidence.count() == 1
        for source in (east, south):
            source.refresh_from_db()
            assert source.merged_into == city
            assert source.transitions.count() == 2  # its own history plus the merge note

    def test_merge_across_municipalities_is_refused(self, world):
        from sasaeai.accounts.tests.factories import UserFactory

        stranger = UserFactory(role="tier1")
        foreign = services.issue_create(user=stranger, title="x", description="y")
        city = issue(world, user=world["tier1"], areas=[])
        with pytest.raises(ValidationError, match="ほかの市区町村"):
            services.issue_merge(user=world["tier1"], target=city, sources=[foreign])
        foreign.refresh_from_db()
        assert foreign.merged_into is None

    def test_only_tier1_merges(self, world):
        a, b = issue(world, title="a"), issue(world, title="b")
        with pytest.raises(PermissionDenied):
            services.issue_merge(user=world["tier2"], target=a, sources=[b])


class TestEvidence:
    def test_counts_by_area_and_half_year(self, world):
        from sasaeai.councils.selectors import evidence_counts

        created = issue(world, user=world["tier1"], areas=[world["east"], world["south"]])
        for area, day in (
            (world["east"], dt.date(2025, 5, 1)),
            (world["east"], dt.date(2025, 11, 1)),
            (world["south"], dt.date(2025, 6, 1)),
        ):
            services.evidence_attach(
                user=world["tier1"],
                issue=created,
                kind="consultation",
                record_id=consultation(world, area, day=day).pk,
            )
        counts = evidence_counts(issue=created)
        assert dict(counts.by_area) == {world["east"].name: 2, world["south"].name: 1}
        assert dict(counts.by_half_year) == {"令和7年度上半期": 2, "令和7年度下半期": 1}
        assert counts.total == 3 and counts.by_kind["consultation"] == 3

    def test_evidence_from_an_area_the_user_cannot_see_is_refused(self, world):
        created = issue(world)
        foreign = consultation(world, world["south"])
        with pytest.raises(ValidationError, match="担当圏域外"):
            services.evidence_attach(
                user=world["tier2"], issue=created, kind="consultation", record_id=foreign.pk
            )
        assert not IssueEvidence.objects.exists()

    def test_case_outside_personal_scope_is_refused(self, world):
        created = issue(world)
        case = Case.objects.create(
            municipality=world["m"],
            area=world["south"],
            number="X-1",
            tier=2,
            coordinator=world["tier2_other"],
            created_by=world["tier2_other"],
        )
        with pytest.raises(ValidationError):
            services.evidence_attach(
                user=world["tier2"], issue=created, kind="case", record_id=case.pk
            )

    def test_same_record_twice_is_refused(self, world):
        created = issue(world)
        record = consultation(world, world["east"])
        services.evidence_attach(
            user=world["tier2"], issue=created, kind="consultation", record_id=record.pk
        )
        with pytest.raises(ValidationError, match="すでに"):
            services.evidence_attach(
                user=world["tier2"], issue=created, kind="consultation", record_id=record.pk
            )

    def test_suggestions_match_theme_words(self, world):
        from sasaeai.councils.selectors import suggested_evidence

        created = issue(world)
        hit = consultation(world, world["east"], summary="男性が行ける場所がない")
        consultation(world, world["east"], summary="介護保険の手続き")
        suggestions = suggested_evidence(user=world["tier2"], issue=created)
        assert [s["record"].pk for s in suggestions] == [hit.pk]


class TestPages:
    def test_overview_for_official_and_council_member(self, client, world):
        load_thread(world["m"])
        for who in ("official", "council"):
            client.force_login(world[who])
            body = client.get("/councils/").content.decode()
            assert "段階ごとの課題数" in body and "圏域とテーマ別の課題数" in body
            assert "身近な集いの場の拡充" in body

    def test_council_member_sees_counts_not_records(self, client, world):
        created = load_thread(world["m"])
        client.force_login(world["council"])
        body = client.get(f"/councils/issues/{created.pk}/").content.decode()
        assert "合計 5件" in body
        assert "サロンに来た男性から" not in body
        assert "個々の記録は担当のコーディネーターだけが見られます" in body

    def test_create_form_keeps_input_on_error(self, client, world):
        client.force_login(world["tier2"])
        response = client.post(
            "/councils/issues/new/",
            {
                "title": "入力した課題名",
                "description": "入力した内容",
                "areas": [world["south"].pk],
                "raised_on": "2025-04-01",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "担当外の圏域" in body and "入力した課題名" in body
        assert not RegionalIssue.objects.exists()

    def test_advance_through_the_form(self, client, world):
        created = issue(world)
        client.force_login(world["tier2"])
        response = client.post(
            f"/councils/issues/{created.pk}/advance/",
            {"to_status": IssueStatus.TIER2_REVIEW, "date": "2025-05-01", "reason": ""},
        )
        assert response.status_code == 302
        created.refresh_from_db()
        assert created.status == IssueStatus.TIER2_REVIEW

    def test_attach_from_the_record(self, client, world):
        created = issue(world)
        record = consultation(world, world["east"])
        client.force_login(world["tier2"])
        page = client.get(f"/councils/attach/?kind=consultation&id={record.pk}")
        assert page.status_code == 200 and created.title in page.content.decode()
        client.post(
            "/councils/attach/",
            {"kind": "consultation", "record_id": record.pk, "issue": created.pk},
        )
        assert created.evidence.filter(consultation=record).exists()

    def test_attach_from_another_areas_record_is_404(self, client, world):
        record = consultation(world, world["south"])
        client.force_login(world["tier2"])
        assert client.get(f"/councils/attach/?kind=consultation&id={record.pk}").status_code == 404

    def test_other_municipality_gets_404(self, client, world):
        from sasaeai.accounts.tests.factories import UserFactory

        created = issue(world)
        client.force_login(UserFactory(role="tier1"))
        assert client.get(f"/councils/issues/{created.pk}/").status_code == 404
        assert client.get(f"/api/v1/regional-issues/{created.pk}").status_code == 404


class TestApi:
    def test_council_member_lists_issues_with_evidence_counts(self, client, world):
        load_thread(world["m"])
        client.force_login(world["council"])
        data = client.get("/api/v1/regional-issues").json()
        thread = next(i for i in data["items"] if i["title"] == THREAD_TITLE)
        assert thread["evidence_total"] == 5
        assert thread["evidence_by_area"] == {"吉祥寺東・南エリア": 5}
        detail = client.get(f"/api/v1/regional-issues/{thread['id']}").json()
        assert [t["to_status_label"] for t in detail["transitions"]] == [
            "把握",
            "第2層で検討",
            "連携会議で集約",
            "第1層協議体に報告",
            "提言",
            "事業化・対応中",
        ]
        assert detail["transitions"][0]["meeting_title"] == "地域ケア会議（吉祥寺東・南エリア）"

    def test_skip_without_reason_is_422_in_japanese(self, client, world):
        created = issue(world)
        client.force_login(world["tier1"])
        response = client.post(
            f"/api/v1/regional-issues/{created.pk}/advance",
            {"to_status": "proposed", "date": "2025-05-01"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "理由" in str(response.json()["errors"])

    def test_council_member_cannot_write(self, client, world):
        client.force_login(world["council"])
        response = client.post(
            "/api/v1/regional-issues",
            {"title": "x", "description": "y"},
            content_type="application/json",
        )
        assert response.status_code == 403

    def test_create_and_attach_via_api(self, client, world):
        client.force_login(world["tier2"])
        created = client.post(
            "/api/v1/regional-issues",
            {
                "title": "移動手段がない",
                "description": "買い物に行けない",
                "area_ids": [world["east"].pk],
                "theme_codes": ["transport"],
            },
            content_type="application/json",
        )
        assert created.status_code == 201
        record = consultation(world, world["east"])
        attached = client.post(
            f"/api/v1/regional-issues/{created.json()['id']}/evidence",
            {"kind": "consultation", "record_id": record.pk},
            content_type="application/json",
        )
        assert attached.json()["evidence_total"] == 1

    def test_proposals_api(self, client, world):
        load_thread(world["m"])
        client.force_login(world["council"])
        data = client.get("/api/v1/proposals").json()
        assert data["count"] == 1
        labels = [r["answer_label"] for r in data["items"][0]["recommendations"]]
        assert labels == ["採用", "一部採用", "採用"]


class TestProposals:
    def _proposal(self, world):
        council = Council.objects.get(municipality=world["m"], kind=Council.Kind.PROMOTION_COUNCIL)
        proposal = services.proposal_save(
            user=world["tier1"],
            proposal=Proposal(
                council=council,
                title="移動支援の提言",
                is_published=True,
                approved_on=dt.date(2025, 6, 1),
                submitted_on=dt.date(2025, 6, 10),
            ),
        )
        return services.recommendation_save(
            user=world["tier1"],
            recommendation=Recommendation(proposal=proposal, order=1, text="買い物支援を広げる"),
        )

    def test_answer_is_not_public_until_published(self, client, world):
        recommendation = self._proposal(world)
        services.recommendation_answer(
            user=world["tier1"],
            recommendation=recommendation,
            answer="adopted",
            answer_text="実施します",
            responsible_section="高齢者支援課",
            answered_on=dt.date(2025, 7, 1),
        )
        page = client.get("/councils/public/132039/").content.decode()
        assert "移動支援の提言" in page and "市の回答は準備中です" in page
        assert "実施します" not in page
        services.recommendation_publish_answer(
            user=world["tier1"], recommendation=recommendation, published_on=dt.date(2025, 7, 5)
        )
        page = client.get("/councils/public/132039/").content.decode()
        assert "実施します" in page and "高齢者支援課" in page

    def test_progress_needs_an_answer_and_tracks_the_latest(self, world):
        recommendation = self._proposal(world)
        with pytest.raises(ValidationError, match="回答"):
            services.progress_add(
                user=world["tier1"],
                recommendation=recommendation,
                date=dt.date(2025, 7, 1),
                percent=10,
                note="開始",
            )
        services.recommendation_answer(
            user=world["tier1"],
            recommendation=recommendation,
            answer="partly",
            answer_text="",
            responsible_section="高齢者支援課",
            answered_on=dt.date(2025, 7, 1),
        )
        services.progress_add(
            user=world["tier1"],
            recommendation=recommendation,
            date=dt.date(2025, 8, 1),
            percent=30,
            note="試行",
        )
        services.progress_add(
            user=world["tier1"],
            recommendation=recommendation,
            date=dt.date(2025, 9, 1),
            percent=70,
            note="拡大",
        )
        recommendation.refresh_from_db()
        assert recommendation.progress_percent == 70

    def test_tier2_cannot_write_proposals(self, world):
        council = Council.objects.get(municipality=world["m"], kind=Council.Kind.PROMOTION_COUNCIL)
        with pytest.raises(PermissionDenied):
            services.proposal_save(
                user=world["tier2"], proposal=Proposal(council=council, title="x")
            )

    def test_unpublished_proposal_is_not_public(self, client, world):
        council = Council.objects.get(municipality=world["m"], kind=Council.Kind.PROMOTION_COUNCIL)
        services.proposal_save(
            user=world["tier1"], proposal=Proposal(council=council, title="内部の検討中の提言")
        )
        assert "内部の検討中の提言" not in client.get("/councils/public/132039/").content.decode()


class TestBriefingPack:
    def test_pdf_has_the_issue_and_no_personal_data(self, client, world):
        from pypdf import PdfReader

        created = issue(world, user=world["tier1"])
        case = Case.objects.create(
            municipality=world["m"],
            area=world["east"],
            number="C-2025-001",
            tier=1,
            coordinator=world["tier1"],
            created_by=world["tier1"],
            person_name="武蔵野 花子",
            contact_phone="0422-00-1234",
        )
        services.evidence_attach(user=world["tier1"], issue=created, kind="case", record_id=case.pk)
        council = Council.objects.get(municipality=world["m"], kind=Council.Kind.PROMOTION_COUNCIL)
        where = meeting(world, council=council, title="第2回 地域包括ケア推進協議会")
        services.agenda_item_add(user=world["tier1"], meeting=where, issue=created)
        client.force_login(world["tier1"])
        response = client.get(f"/councils/meetings/{where.pk}/briefing.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "男性の居場所がない" in text and "個別ケース" in text
        for secret in ("武蔵野 花子", "武蔵野花子", "0422-00-1234", "C-2025-001"):
            assert secret not in text


def test_demo_replays_the_seed_thread(world):
    created = load_thread(world["m"])
    assert created.status == IssueStatus.IN_PROGRESS
    steps = list(created.transitions.order_by("date", "id"))
    assert [s.get_to_status_display() for s in steps][:3] == [
        "把握",
        "第2層で検討",
        "連携会議で集約",
    ]
    assert steps[1].meeting.title.startswith("御殿山2丁目つどいの場づくり準備会")
    assert created.proposals.get().recommendations.count() == 3
    assert load_thread(world["m"]) is None  # idempotent
