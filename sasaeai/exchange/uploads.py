"""Checking an uploaded file before it is read: its size, and what it really is (sniffed from
its bytes, not trusted from its name or the browser's content type).

sasaeai/core/uploads.py did not exist when this was written; this module is the exchange app's
own, and can move to core when a shared one lands."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from sasaeai.core.uploads import upload_name_problem

# A 10,000-row sheet is about 2 MB; the limit leaves room and refuses what cannot be a
# resource list. Settable with EXCHANGE_MAX_UPLOAD_BYTES.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# An .xlsx is a zip: refuse archives that would unpack to far more than they weigh (zip bombs).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024


class UploadError(ValueError):
    """The file cannot be taken; the message says why in Japanese."""


@dataclass(frozen=True)
class Upload:
    name: str
    kind: str  # xlsx / csv / json
    content: bytes


def max_upload_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB"


def read_upload(file, *, name: str | None = None) -> Upload:
    """Reads an uploaded file (a Django UploadedFile or any binary file object) within the size
    limit and sniffs its type. Raises UploadError."""
    name = name or getattr(file, "name", "") or "upload"
    problem = upload_name_problem(name)
    if problem:
        raise UploadError(problem)
    limit = max_upload_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise UploadError(
            f"ファイルが大きすぎます（{_megabytes(size)}）。{_megabytes(limit)}以下にしてください。"
            "大きな台帳は圏域ごとなどに分けて取り込んでください。"
        )
    content = file.read(limit + 1)
    if len(content) > limit:
        raise UploadError(
            f"ファイルが大きすぎます（{_megabytes(limit)}を超えています）。"
            "大きな台帳は圏域ごとなどに分けて取り込んでください。"
        )
    return sniff(content, name=name)


def sniff(content: bytes, *, name: str = "") -> Upload:
    """What the bytes are: an Excel workbook (.xlsx), JSON, or text (CSV)."""
    lowered = name.lower()
    if not content or not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UploadError("ファイルが空です。社会資源の一覧を入力したファイルを選んでください。")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(
            "古い形式のExcelファイル（.xls）は読めません。Excelで開き「名前を付けて保存」で"
            "「Excel ブック（.xlsx）」を選んで保存し直してください。"
        )
    if content.startswith(b"PK\x03\x04"):
        _check_workbook(content)
        return Upload(name=name, kind="xlsx", content=content)
    if lowered.endswith((".xlsx", ".xlsm")):
        raise UploadError(
            "拡張子は .xlsx ですが、中身がExcelファイルではありません。Excelで保存し直してください。"
        )
    if content.startswith(b"%PDF"):
        raise UploadError("PDFは読めません。Excel（.xlsx）かCSVのファイルを選んでください。")
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"[") or lowered.endswith(".json"):
        return Upload(name=name, kind="json", content=content)
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 without a byte-order mark is recognised by the readers; other binaries are not text.
        even = content[:4096:2].count(b"\x00")
        odd = content[1:4096:2].count(b"\x00")
        if max(even, odd) < len(content[:4096]) // 4:
            raise UploadError(
                "このファイルは読めない形式です。Excel（.xlsx）、CSV、HSDSのJSONのいずれかを選んでください。"
            )
    return Upload(name=name, kind="csv", content=content)


def _check_workbook(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadError(
            "Excelファイルが壊れているため読めません。Excelで開いて保存し直してください。"
        ) from exc
    if "xl/workbook.xml" not in names:
        raise UploadError(
            "このファイルはExcelのブック（.xlsx）ではありません。Word や PowerPoint のファイルは読めません。"
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadError(
            "Excelファイルの中身が大きすぎるため読めません。シートを分けて取り込んでください。"
        )
