"""The report pages through the paths people take: choosing, reading, downloading (audited),
writing the versioned text; and who may do which."""

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.org.models import Area
from sasaeai.reports.models import Report, ReportText

pytestmark = pytest.mark.django_db

HALF = "fiscal_year=2015&half=first"


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def area_key(musashino, name: str) -> str:
    return f"area:{Area.objects.get(municipality=musashino, name=name).pk}"


class TestReading:
    def test_index_offers_the_choices(self, client, musashino):
        login(client, "tier1")
        response = client.get(reverse("reports:index"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "報告書を表示" in body and "境南エリア" in body and "第2層全体" in body

    def test_the_report_page_with_downloads(self, client, musashino):
        login(client, "official")
        response = client.get(reverse("reports:show") + f"?{HALF}&scope=municipality")
        assert response.status_code == 200
        body = response.content.decode()
        assert "武蔵野市生活支援コーディネーター平成27年度上半期活動報告" in body
        for fmt in ("pdf", "xlsx", "docx", "csv"):
            assert reverse("reports:download", args=[fmt]) in body
        assert "style=" not in body  # the CSP refuses inline styles
        assert "圏域別の比較" in body  # the municipality scope compares its areas
        # Officials read; they do not write the text.
        assert "を書く" not in body and "を編集" not in body

    def test_the_form_redirects_to_the_plain_address(self, client, musashino):
        login(client, "tier1")
        response = client.get(
            reverse("reports:show"),
            {
                "kind": "month",
                "month": "2015-06",
                "fiscal_year": "2015",
                "half": "first",
                "from": "2015-04-01",
                "to": "2015-09-30",
                "scope": "tier2",
            },
        )
        assert response.status_code == 302
        assert response.url == reverse("reports:show") + "?month=2015-06&scope=tier2"

    def test_bad_input_is_explained_and_kept(self, client, musashino):
        login(client, "tier1")
        response = client.get(
            reverse("reports:show"),
            {"kind": "range", "from": "2015-06-01", "to": "2015-04-01", "scope": "municipality"},
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "終了日が開始日より前になっています。" in body
        assert 'value="2015-06-01"' in body

    def test_tier2_reads_its_area_and_not_another(self, client, musashino):
        login(client, "tier2-6")  # 境南エリア
        own = client.get(
            reverse("reports:show") + f"?{HALF}&scope={area_key(musashino, '境南エリア')}"
        )
        assert own.status_code == 200
        other = client.get(
            reverse("reports:show") + f"?{HALF}&scope={area_key(musashino, '境・桜堤エリア')}"
        )
        assert other.status_code == 403
        assert (
            client.get(reverse("reports:show") + f"?{HALF}&scope=municipality").status_code == 403
        )
        # With no scope, the page opens on the coordinator's own area.
        default = client.get(reverse("reports:show") + f"?{HALF}")
        assert "範囲: 境南エリア" in default.content.decode()

    def test_council_members_read_aggregates(self, client, musashino):
        login(client, "council")
        response = client.get(reverse("reports:show") + f"?{HALF}&scope=municipality")
        assert response.status_code == 200

    @pytest.mark.parametrize("path", ["show", "download-csv", "download-xlsx", "api"])
    def test_council_members_never_get_one_coordinators_work(self, client, musashino, path):
        """Council members read aggregates: a per-coordinator scope is refused on the page,
        every download and the API."""
        login(client, "council")
        query = f"?{HALF}&scope=coordinator:tier2-1"
        url = {
            "show": reverse("reports:show"),
            "download-csv": reverse("reports:download", args=["csv"]),
            "download-xlsx": reverse("reports:download", args=["xlsx"]),
            "api": "/api/v1/reports/figures",
        }[path]
        assert client.get(url + query).status_code == 403
        assert client.get(url + f"?{HALF}&scope=municipality").status_code == 200

    def test_anonymous_is_sent_to_login(self, client, musashino):
        response = client.get(reverse("reports:show") + f"?{HALF}")
        assert response.status_code == 302 and "login" in response.url


class TestDownloads:
    @pytest.mark.parametrize(
        ("fmt", "content_type", "magic"),
        [
            ("pdf", "application/pdf", b"%PDF"),
            ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
            (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                b"PK",
            ),
            ("csv", "text/csv; charset=utf-8", "\ufeff期間".encode()),
            ("html", "text/html; charset=utf-8", b"<!doctype html>"),
        ],
    )
    def test_each_format_is_audited(self, client, musashino, fmt, content_type, magic):
        user = login(client, "council")
        response = client.get(reverse("reports:download", args=[fmt]) + f"?{HALF}&scope=tier2")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response.content.startswith(magic)
        disposition = response["Content-Disposition"]
        assert "attachment" in disposition and "filename*=UTF-8''" in disposition
        event = AuditEvent.objects.filter(action="export", user=user).get()
        assert event.target_type == "reports.report"
        assert "平成27年度上半期" in event.summary and "tier2" in event.summary

    def test_unknown_format_and_out_of_scope(self, client, musashino):
        login(client, "tier2-1")
        assert client.get(reverse("reports:download", args=["exe"]) + f"?{HALF}").status_code == 404
        response = client.get(
            reverse("reports:download", args=["pdf"]) + f"?{HALF}&scope=municipality"
        )
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="export").exists()


class TestText:
    def _prepare(self, client, scope="municipality"):
        return client.post(
            reverse("reports:prepare") + f"?{HALF}&scope={scope}", {"then": "achievements"}
        )

    def test_write_and_keep_every_version(self, client, musashino):
        user = login(client, "tier1")
        response = self._prepare(client)
        report = Report.objects.get()
        assert response.url == reverse("reports:text_edit", args=[report.pk, "achievements"])
        url = response.url
        assert client.get(url).status_code == 200
        first = client.post(
            url, {"text": "地域に出向いたことが相談のきっかけになった。", "based_on": "0"}
        )
        assert first.status_code == 302 and first.url.endswith("#section-texts")
        client.post(url, {"text": "二つ目の書き方。", "based_on": "1", "change_note": "言い回し"})
        versions = list(ReportText.objects.filter(report=report).order_by("version"))
        assert [(v.version, v.text, v.author) for v in versions] == [
            (1, "地域に出向いたことが相談のきっかけになった。", user),
            (2, "二つ目の書き方。", user),
        ]
        page = client.get(reverse("reports:show") + f"?{HALF}&scope=municipality").content.decode()
        assert "二つ目の書き方。" in page and "地域に出向いた" not in page
        # Going back to version 1 writes version 3; nothing is overwritten.
        history = reverse("reports:text_versions", args=[report.pk, "achievements"])
        assert "第2版" in client.get(history).content.decode()
        client.post(history, {"version": "1"})
        assert ReportText.objects.filter(report=report).count() == 3
        assert ReportText.objects.get(report=report, version=3).text == versions[0].text
        assert AuditEvent.objects.filter(action="update", target_type="reports.report").count() == 3

    def test_a_stale_edit_is_refused_and_the_text_kept(self, client, musashino):
        login(client, "tier1")
        url = self._prepare(client).url
        client.post(url, {"text": "最初", "based_on": "0"})
        response = client.post(url, {"text": "古い版からの書き換え", "based_on": "0"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "ほかの人が第1版を保存しました" in body and "古い版からの書き換え" in body
        assert ReportText.objects.count() == 1

    def test_unchanged_text_makes_no_version(self, client, musashino):
        login(client, "tier1")
        url = self._prepare(client).url
        client.post(url, {"text": "同じ", "based_on": "0"})
        client.post(url, {"text": "同じ  ", "based_on": "1"})
        assert ReportText.objects.count() == 1

    def test_versions_cannot_be_changed_in_place(self, client, musashino):
        login(client, "tier1")
        url = self._prepare(client).url
        client.post(url, {"text": "一", "based_on": "0"})
        version = ReportText.objects.get()
        version.text = "書き換え"
        with pytest.raises(PermissionError):
            version.save()
        with pytest.raises(PermissionError):
            ReportText.objects.update(text="書き換え")

    def test_who_may_write(self, client, musashino):
        login(client, "official")
        assert self._prepare(client).status_code == 403
        login(client, "tier2-6")
        assert self._prepare(client).status_code == 403  # the municipality is not its scope
        own = self._prepare(client, area_key(musashino, "境南エリア"))
        assert own.status_code == 302
        report = Report.objects.get()
        login(client, "tier2-1")  # another area: the report is not found at all
        assert (
            client.get(reverse("reports:text_edit", args=[report.pk, "achievements"])).status_code
            == 404
        )
        login(client, "council")  # reads the history, cannot restore or edit
        assert (
            client.get(
                reverse("reports:text_versions", args=[report.pk, "achievements"])
            ).status_code
            == 200
        )
        assert (
            client.get(reverse("reports:text_edit", args=[report.pk, "achievements"])).status_code
            == 403
        )
