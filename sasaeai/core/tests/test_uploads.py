"""Upload checks: size, extension and the bytes themselves, with Japanese messages."""

import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from sasaeai.core.uploads import UploadValidator, sniff_upload, validate_upload

ALL = {"xlsx", "csv", "json"}


def _xlsx_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "名称"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class TestAccepted:
    def test_real_workbook(self):
        assert validate_upload(_upload("資源.xlsx", _xlsx_bytes()), kinds=ALL) == "xlsx"

    @pytest.mark.parametrize(
        "content,encoding",
        [
            ("名称,住所\nサロン,境南町\n".encode(), "utf-8"),
            ("\ufeff名称,住所\n".encode(), "utf-8-sig"),
            ("名称,住所\nサロン,境南町\n".encode("cp932"), "cp932"),
            ("名称,住所\n".encode("utf-16"), "utf-16"),
        ],
    )
    def test_csv_in_each_encoding(self, content, encoding):
        sniffed = sniff_upload(_upload("a.CSV", content), kinds={"csv"})
        assert (sniffed.kind, sniffed.encoding) == ("csv", encoding)

    def test_json(self):
        assert validate_upload(_upload("x.json", b' \n{"services": []}'), kinds={"json"}) == "json"

    def test_file_position_is_left_at_the_start(self):
        upload = _upload("x.csv", b"a,b\n")
        validate_upload(upload, kinds={"csv"})
        assert upload.read() == b"a,b\n"


class TestRefused:
    def _message(self, upload, **kwargs) -> str:
        with pytest.raises(ValidationError) as info:
            validate_upload(upload, **{"kinds": ALL, **kwargs})
        return " ".join(info.value.messages)

    def test_too_large(self):
        message = self._message(_upload("big.csv", b"a," * 600), max_bytes=1000)
        assert "大きすぎます" in message and "big.csv" in message

    def test_default_limit_comes_from_settings(self, settings):
        settings.UPLOAD_MAX_BYTES = 10
        assert "大きすぎます" in self._message(_upload("a.csv", b"a" * 11))

    def test_empty(self):
        assert "空です" in self._message(_upload("a.csv", b""))

    def test_unknown_extension(self):
        message = self._message(_upload("a.exe", b"MZ\x90\x00"))
        assert "受け付けていません" in message and "Excel（.xlsx）" in message

    def test_extension_not_among_the_kinds_asked(self):
        with pytest.raises(ValidationError):
            validate_upload(_upload("a.json", b"{}"), kinds={"csv"})

    def test_executable_renamed_to_xlsx(self):
        assert "ZIP形式ではありません" in self._message(_upload("a.xlsx", b"MZ\x90\x00" * 10))

    def test_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "x")
        assert "ブックではありません" in self._message(_upload("a.xlsx", buffer.getvalue()))

    def test_zip_bomb(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<x/>")
            archive.writestr("xl/workbook.xml", "0" * 5_000_000)
        assert "異常" in self._message(_upload("a.xlsx", buffer.getvalue()))

    def test_binary_renamed_to_csv(self):
        assert "文字コード" in self._message(_upload("a.csv", b"\x00\x01\x02\xff\xfe\x00"))

    def test_workbook_renamed_to_csv(self):
        assert ".xlsx で保存" in self._message(_upload("a.csv", _xlsx_bytes()))

    def test_json_that_is_not_json(self):
        assert "{ か [" in self._message(_upload("a.json", b"<html></html>"))


def test_form_field_validator():
    class ImportForm(forms.Form):
        file = forms.FileField(validators=[UploadValidator(kinds={"csv"}, max_bytes=100)])

    bad = ImportForm(files={"file": _upload("a.csv", b"\x00\x00")})
    assert not bad.is_valid() and "文字コード" in bad.errors["file"][0]
    good = ImportForm(files={"file": _upload("a.csv", "名称\n".encode("cp932"))})
    assert good.is_valid()
