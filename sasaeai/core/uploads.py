"""Checking uploaded files before anything reads them: size, extension and content sniffing.

Use it for every upload (imports of resources, attachments):

    from sasaeai.core.uploads import validate_upload
    kind = validate_upload(request.FILES["file"], kinds={"xlsx", "csv"})   # "xlsx" or "csv"

or in a form: `forms.FileField(validators=[UploadValidator(kinds={"xlsx", "csv"})])`.
It raises django's ValidationError with a Japanese message naming the file and the problem, and
never trusts the browser's content type: the extension must be one of `kinds` AND the bytes
must look like that kind (an .xlsx is a ZIP holding an Office workbook; a .csv is text with no
NUL bytes in a known Japanese encoding; a .json is UTF-8 text starting with { or [).
The size limit is settings.UPLOAD_MAX_BYTES (10 MB unless set); a file name may have at most
MAX_NAME_LENGTH characters.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
# File names longer than this are refused (the import records keep the name; 255 in the table).
MAX_NAME_LENGTH = 200
# An .xlsx whose parts unpack to more than this many times its size is refused (zip bomb).
MAX_XLSX_RATIO = 100

CSV_ENCODINGS = ("utf-8-sig", "utf-8", "cp932", "utf-16")

LABELS = {"xlsx": "Excel（.xlsx）", "csv": "CSV（.csv）", "json": "JSON（.json）"}


@dataclass(frozen=True)
class SniffedUpload:
    kind: str
    encoding: str | None = None  # for text kinds


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_name_problem(name: str) -> str | None:
    """What is wrong with an upload's file name (too long), in Japanese, or None."""
    if len(name) > MAX_NAME_LENGTH:
        return (
            f"ファイル名が長すぎます（{len(name):,}文字）。{MAX_NAME_LENGTH}文字以内の名前に"
            f"変えてから選んでください（「{name[:40]}…」）。"
        )
    return None


def validate_upload(
    upload: UploadedFile, *, kinds: set[str] | frozenset[str], max_bytes: int | None = None
) -> str:
    """Returns the kind of the file ("xlsx", "csv" or "json") or raises ValidationError."""
    return sniff_upload(upload, kinds=kinds, max_bytes=max_bytes).kind


def sniff_upload(
    upload: UploadedFile, *, kinds: set[str] | frozenset[str], max_bytes: int | None = None
) -> SniffedUpload:
    """Like validate_upload, and also tells the text encoding it found for CSV."""
    unknown = set(kinds) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    name = upload.name or "（名前なし）"
    problem = upload_name_problem(name)
    if problem:
        raise ValidationError(problem, code="name_too_long")
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    allowed = "、".join(LABELS[k] for k in sorted(kinds))
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"ファイル「{name}」は空です。", code="empty")
    if size > limit:
        raise ValidationError(
            f"ファイル「{name}」は大きすぎます（{filesizeformat(size)}）。"
            f"{filesizeformat(limit)}以下のファイルにしてください。",
            code="too_large",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in kinds:
        raise ValidationError(
            f"ファイル「{name}」の種類は受け付けていません。{allowed}のファイルを選んでください。",
            code="extension",
        )
    head = _read_head(upload)
    checker = {"xlsx": _check_xlsx, "csv": _check_csv, "json": _check_json}[extension]
    encoding = checker(upload, head, name)
    return SniffedUpload(kind=extension, encoding=encoding)


def _read_head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _mismatch(name: str, label: str, why: str) -> ValidationError:
    return ValidationError(
        f"ファイル「{name}」は{label}のファイルとして読めません（{why}）。"
        "拡張子と中身が合っているか確認してください。",
        code="content",
    )


def _check_xlsx(upload: UploadedFile, head: bytes, name: str) -> None:
    if not head.startswith(b"PK\x03\x04"):
        raise _mismatch(name, "Excel（.xlsx）", "ZIP形式ではありません")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _mismatch(name, "Excel（.xlsx）", "壊れたZIPです") from exc
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _mismatch(name, "Excel（.xlsx）", "Excelのブックではありません")
    if unpacked > max(upload.size, 1) * MAX_XLSX_RATIO:
        raise _mismatch(name, "Excel（.xlsx）", "展開後の大きさが異常です")
    return None


def _decode_head(head: bytes) -> str | None:
    """The encoding the first bytes decode with (a cut multibyte character at the end is
    allowed), or None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        if b"\x00" in head:
            return None
        candidates = ("utf-8", "cp932")
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _check_csv(upload: UploadedFile, head: bytes, name: str) -> str:
    if head.startswith(b"PK\x03\x04"):
        raise _mismatch(
            name, "CSV（.csv）", "Excelなどの圧縮ファイルです。Excelなら .xlsx で保存してください"
        )
    encoding = _decode_head(head)
    if encoding is None:
        raise _mismatch(
            name, "CSV（.csv）", "文字コードがUTF-8・Shift_JIS・UTF-16のいずれでもありません"
        )
    return encoding


def _check_json(upload: UploadedFile, head: bytes, name: str) -> str:
    text = head.removeprefix(codecs.BOM_UTF8)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(text, final=False)
    except UnicodeDecodeError as exc:
        raise _mismatch(name, "JSON（.json）", "UTF-8の文字列ではありません") from exc
    stripped = text.lstrip()
    if not stripped.startswith((b"{", b"[")):
        raise _mismatch(name, "JSON（.json）", "{ か [ で始まっていません")
    return "utf-8"


@deconstructible
class UploadValidator:
    """A form-field validator: `forms.FileField(validators=[UploadValidator(kinds={"csv"})])`."""

    def __init__(self, *, kinds: set[str] | frozenset[str], max_bytes: int | None = None):
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload: UploadedFile) -> None:
        validate_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )
