"""The editable parts the seed's report has (issue 22): the municipality's opening parts
(生活支援コーディネーターとは, 活動内容, 担当課) and a report's own wording of them, footnotes under
a section, case stories in any section, photos with captions; through the forms, audited,
and in the page, PDF, Word and Excel."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.reports.models import MunicipalityText, Report, ReportPhoto

pytestmark = pytest.mark.django_db

HALF = "fiscal_year=2015&half=first&scope=municipality"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def prepared(client) -> Report:
    client.post(reverse("reports:prepare") + f"?{HALF}", {"then": "photos"})
    return Report.objects.get(scope_key="municipality")


def png(width: int = 60, height: int = 40, name: str = "よりあい食堂.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def download(client, fmt: str) -> bytes:
    return client.get(reverse("reports:download", args=[fmt]) + f"?{HALF}").content


class TestOpeningParts:
    def test_the_municipality_writes_them_once_for_every_report(self, client, musashino):
        login(client, "tier1")
        url = reverse("reports:standing_text_edit", args=["department"])
        response = client.post(url, {"text": "武蔵野市 健康福祉部 高齢者支援課", "based_on": "0"})
        assert response.status_code == 302
        client.post(
            reverse("reports:standing_text_edit", args=["outline"]),
            {"text": "- (1) サロン等を訪問する。\n- (2) 社会資源を紹介する。", "based_on": "0"},
        )
        body = client.get(reverse("reports:show") + f"?{HALF}").content.decode()
        assert "武蔵野市 健康福祉部 高齢者支援課" in body
        assert "<li>(1) サロン等を訪問する。</li>" in body
        # Any other period of the municipality prints them too.
        other = client.get(reverse("reports:show") + "?fiscal_year=2016&scope=municipality")
        assert "武蔵野市 健康福祉部 高齢者支援課" in other.content.decode()
        saved = MunicipalityText.objects.get(section="department")
        assert saved.version == 1 and saved.author.username == "tier1"
        event = AuditEvent.objects.filter(summary__contains="共通の文章「担当課」第1版").get()
        assert event.action == AuditEvent.Action.UPDATE

    def test_a_report_may_word_them_its_own_way(self, client, musashino):
        login(client, "tier1")
        client.post(
            reverse("reports:standing_text_edit", args=["department"]),
            {"text": "高齢者支援課", "based_on": "0"},
        )
        report = prepared(client)
        client.post(
            reverse("reports:text_edit", args=[report.pk, "department"]),
            {"text": "健康福祉部 地域支援課", "based_on": "0"},
        )
        body = client.get(reverse("reports:show") + f"?{HALF}").content.decode()
        assert "健康福祉部 地域支援課" in body and "<li>高齢者支援課</li>" not in body

    def test_an_error_keeps_what_was_typed(self, client, musashino):
        login(client, "tier1")
        text = "あ" * 20001
        response = client.post(
            reverse("reports:standing_text_edit", args=["introduction"]),
            {"text": text, "based_on": "0", "change_note": "初版"},
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "本文は20000文字以内にしてください（今は20001文字）。" in body
        assert text in body and 'value="初版"' in body
        assert not MunicipalityText.objects.exists()

    def test_who_may_not_write_them(self, client, musashino):
        for username in ("official", "tier2-1"):
            login(client, username)
            url = reverse("reports:standing_text_edit", args=["introduction"])
            assert client.post(url, {"text": "x", "based_on": "0"}).status_code == 403
        assert not MunicipalityText.objects.exists()


class TestFootnotes:
    def test_a_footnote_prints_under_its_section_everywhere(self, client, musashino):
        from docx import Document as WordDocument
        from openpyxl import load_workbook
        from pypdf import PdfReader

        login(client, "tier1")
        report = prepared(client)
        note = "※市役所内での窓口・電話において対応した一般的な問い合わせや相談は除く。"
        url = reverse("reports:text_edit", args=[report.pk, "footnote:consultation_table"])
        assert client.post(url, {"text": note, "based_on": "0"}).status_code == 302
        body = client.get(reverse("reports:show") + f"?{HALF}").content.decode()
        section = body.split('id="section-consultation_table"')[1].split("</section>")[0]
        assert note in section
        pdf_text = "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(download(client, "pdf"))).pages
        )
        assert "一般的な問い合わせや相談は除く" in pdf_text.replace("\n", "")
        word = WordDocument(io.BytesIO(download(client, "docx")))
        assert note in [p.text for p in word.paragraphs]
        sheet = load_workbook(io.BytesIO(download(client, "xlsx")))["相談者別割合"]
        assert note in [row[0] for row in sheet.iter_rows(values_only=True)]
        assert AuditEvent.objects.filter(summary__contains="の脚注」第1版を保存").exists()


class TestPhotos:
    # Files on this machine, and a storage whose files have no local path (as in an object
    # store: Django's InMemoryStorage): every format embeds the photo from either.
    @pytest.mark.parametrize("storage", ["local", "no local paths"])
    def test_a_photo_with_its_caption_in_every_format(self, client, musashino, settings, storage):
        from docx import Document as WordDocument
        from openpyxl import load_workbook
        from pypdf import PdfReader

        if storage == "no local paths":
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            }
        login(client, "tier1")
        report = prepared(client)
        response = client.post(
            reverse("reports:photos", args=[report.pk]),
            {"image": png(), "caption": "よりあい食堂", "section": "activity_consultations"},
        )
        assert response.status_code == 302
        photo = ReportPhoto.objects.get()
        assert (photo.image_format, photo.width, photo.height) == ("PNG", 60, 40)
        # Stored under MEDIA_ROOT with a name of ours, not the uploader's.
        assert photo.image.name.startswith(f"reports/photos/{musashino.pk}/{report.pk}/")
        assert "よりあい" not in photo.image.name
        body = client.get(reverse("reports:show") + f"?{HALF}").content.decode()
        section = body.split('id="section-activity_consultations"')[1].split("</section>")[0]
        src = reverse("reports:photo", args=[report.pk, photo.pk])
        assert f'<img src="{src}" alt="よりあい食堂"' in section
        assert "<figcaption>よりあい食堂</figcaption>" in section
        served = client.get(src)
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
        pdf = PdfReader(io.BytesIO(download(client, "pdf")))
        assert any(page.images for page in pdf.pages)
        assert "よりあい食堂" in "".join(p.extract_text() for p in pdf.pages)
        word = WordDocument(io.BytesIO(download(client, "docx")))
        assert len(word.inline_shapes) == 1  # the photo (no consultations: no pie)
        assert "よりあい食堂" in [p.text for p in word.paragraphs]
        workbook = load_workbook(io.BytesIO(download(client, "xlsx")))
        assert workbook["(3)活動者からの相談"]._images
        names = zipfile.ZipFile(io.BytesIO(download(client, "xlsx"))).namelist()
        assert any(n.startswith("xl/media/") for n in names)
        assert AuditEvent.objects.filter(summary__contains="報告書に写真を追加").exists()

    def test_what_is_not_a_photo_is_refused_and_the_form_keeps_its_input(self, client, musashino):
        login(client, "tier1")
        report = prepared(client)
        fake = SimpleUploadedFile("写真.png", b"%PDF-1.4 not an image", content_type="image/png")
        response = client.post(
            reverse("reports:photos", args=[report.pk]),
            {"image": fake, "caption": "つどいの場", "section": "visits"},
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "写真として読めないファイルです" in body
        assert 'value="つどいの場"' in body and '<option value="visits" selected>' in body
        gif = io.BytesIO()
        Image.new("RGB", (4, 4)).save(gif, "GIF")
        response = client.post(
            reverse("reports:photos", args=[report.pk]),
            {
                "image": SimpleUploadedFile("a.gif", gif.getvalue(), content_type="image/gif"),
                "caption": "",
                "section": "visits",
            },
        )
        body = response.content.decode()
        assert "写真はJPEGかPNGのファイルにしてください。" in body
        assert "写真の説明（キャプション）を入力してください。" in body
        assert not ReportPhoto.objects.exists()

    def test_a_photo_over_5_mb_is_refused(self, client, musashino, settings):
        login(client, "tier1")
        report = prepared(client)
        big = SimpleUploadedFile("big.png", b"\0" * (5 * 1024 * 1024 + 1), content_type="image/png")
        response = client.post(
            reverse("reports:photos", args=[report.pk]),
            {"image": big, "caption": "大きな写真", "section": "visits"},
        )
        assert response.status_code == 400
        assert "写真は5MB以下にしてください" in response.content.decode()

    def test_removing_a_photo_deletes_its_file(self, client, musashino):
        login(client, "tier1")
        report = prepared(client)
        client.post(
            reverse("reports:photos", args=[report.pk]),
            {"image": png(), "caption": "写真", "section": "visits"},
        )
        photo = ReportPhoto.objects.get()
        path = photo.image.path
        client.post(reverse("reports:photos", args=[report.pk]), {"remove": str(photo.pk)})
        assert not ReportPhoto.objects.exists()
        import os

        assert not os.path.exists(path)
        assert AuditEvent.objects.filter(summary__contains="報告書の写真を削除").exists()

    def test_photos_are_reordered_within_their_section_in_every_format(self, client, musashino):
        from docx import Document as WordDocument
        from pypdf import PdfReader

        login(client, "tier1")
        report = prepared(client)
        url = reverse("reports:photos", args=[report.pk])
        for caption, section in (
            ("よりあい食堂", "activity_consultations"),
            ("ふれあいサロン", "activity_consultations"),
            ("訪問先の花壇", "visits"),
        ):
            client.post(url, {"image": png(), "caption": caption, "section": section})
        first, second, _other = ReportPhoto.objects.order_by("id")
        page = client.get(url).content.decode()
        # Only moves within a section are offered: the first has no 「上へ」, the last no 「下へ」.
        assert 'aria-label="写真「よりあい食堂」を上へ"' not in page
        assert 'aria-label="写真「よりあい食堂」を下へ"' in page
        assert 'aria-label="写真「ふれあいサロン」を下へ"' not in page
        assert 'aria-label="写真「訪問先の花壇」を上へ"' not in page

        response = client.post(url, {"move": str(second.pk), "direction": "up"})
        assert response.status_code == 302
        assert response["Location"].endswith("#photo-list")
        assert AuditEvent.objects.filter(summary__contains="報告書の写真の順番を変更").exists()
        page = client.get(url).content.decode()
        assert page.index("ふれあいサロン") < page.index("よりあい食堂")

        body = client.get(reverse("reports:show") + f"?{HALF}").content.decode()
        section = body.split('id="section-activity_consultations"')[1].split("</section>")[0]
        assert section.index("<figcaption>ふれあいサロン") < section.index(
            "<figcaption>よりあい食堂"
        )
        pdf_text = "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(download(client, "pdf"))).pages
        )
        assert pdf_text.index("ふれあいサロン") < pdf_text.index("よりあい食堂")
        word = [p.text for p in WordDocument(io.BytesIO(download(client, "docx"))).paragraphs]
        assert word.index("ふれあいサロン") < word.index("よりあい食堂")

        # Back down again; the last of a section stays where it is.
        client.post(url, {"move": str(second.pk), "direction": "down"})
        assert list(
            ReportPhoto.objects.filter(section="activity_consultations")
            .order_by("order", "id")
            .values_list("caption", flat=True)
        ) == ["よりあい食堂", "ふれあいサロン"]
        client.post(url, {"move": str(second.pk), "direction": "down"})
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.order < second.order

    def test_a_photo_of_another_report_is_not_moved(self, client, musashino):
        login(client, "tier1")
        report = prepared(client)
        url = reverse("reports:photos", args=[report.pk])
        client.post(url, {"image": png(), "caption": "写真", "section": "visits"})
        other = Report.objects.create(
            municipality=report.municipality,
            scope_key="tier1",
            period_start=report.period_start,
            period_end=report.period_end,
            period_label=report.period_label,
            scope_label="第1層全体",
        )
        response = client.post(
            reverse("reports:photos", args=[other.pk]),
            {"move": str(ReportPhoto.objects.get().pk), "direction": "up"},
            follow=True,
        )
        assert "その写真はこの報告書にありません。" in response.content.decode()
        assert not AuditEvent.objects.filter(summary__contains="写真の順番").exists()

    def test_a_photo_is_served_only_to_who_may_read_the_report(self, client, musashino):
        login(client, "tier1")
        report = prepared(client)
        client.post(
            reverse("reports:photos", args=[report.pk]),
            {"image": png(), "caption": "写真", "section": "visits"},
        )
        photo = ReportPhoto.objects.get()
        src = reverse("reports:photo", args=[report.pk, photo.pk])
        # A tier-2 coordinator does not read the municipality's report: not found.
        login(client, "tier2-1")
        assert client.get(src).status_code == 404
        assert client.get(reverse("reports:photos", args=[report.pk])).status_code == 404
        client.logout()
        assert client.get(src).status_code == 302  # to the login page


class TestStoriesInAnySection:
    def test_a_story_placed_in_section_3(self, client, musashino):
        from sasaeai.cases.models import CaseStory
        from sasaeai.org.models import Area

        login(client, "tier1")
        report = prepared(client)
        story = CaseStory.objects.create(
            municipality=musashino,
            area=Area.objects.filter(municipality=musashino).first(),
            title="民間事業所からの相談を地域につなげた事例",
            consultation="研修用の部屋で地域の高齢者向けの事業をしたい。",
            response="地域団体に説明し、話し合いを提案した。",
            status=CaseStory.Status.PUBLISHED,
        )
        response = client.post(
            reverse("reports:stories", args=[report.pk]),
            {"story": [str(story.pk)], f"section_{story.pk}": "activity_consultations"},
        )
        assert response.status_code == 302
        body = client.get(reverse("reports:show") + f"?{HALF}").content.decode()
        third = body.split('id="section-activity_consultations"')[1].split("</section>")[0]
        assert "＜民間事業所からの相談を地域につなげた事例＞" in third
        support = body.split('id="section-support"')[1].split("</section>")[0]
        assert "民間事業所" not in support
        form = client.get(reverse("reports:stories", args=[report.pk])).content.decode()
        assert '<option value="activity_consultations" selected>' in form
