"""Forms of the import pages: the file, the mapping of headers to fields, and the choices made
on the preview (what to do with likely duplicates, whether to import only the valid rows)."""

from __future__ import annotations

from django import forms

from .fields import IGNORE, mappable_fields, recognise_header
from .uploads import UploadError, max_upload_bytes, read_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label="取り込むファイル",
        help_text="Excel（.xlsx）、CSV（UTF-8・Shift_JIS）、HSDSのJSONのいずれか。"
        "1行目（または結合された見出し）に列の見出しがある表にしてください。",
        error_messages={
            "required": "ファイルを選んでください。",
            "empty": "ファイルが空です。社会資源の一覧を入力したファイルを選んでください。",
            "invalid": "ファイルを読み込めませんでした。もう一度選んでください。",
        },
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            return read_upload(uploaded)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from exc

    @staticmethod
    def limit_text() -> str:
        return f"{max_upload_bytes() // (1024 * 1024)}MB"


def _field_choices() -> list[tuple[str, str]]:
    return [(IGNORE, "（取り込まない）"), *mappable_fields()]


class MappingForm(forms.Form):
    """One drop-down per header of the file: which field the column fills."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], samples=None, **kw):
        super().__init__(*args, **kw)
        self.headers = headers
        self.samples = samples or {}
        choices = _field_choices()
        known = {key for key, _ in choices}
        for index, header in enumerate(headers):
            initial = mapping.get(str(index), IGNORE)
            if initial not in known:
                # Open-data keys (公共施設一覧's split address and schedule columns) are kept as
                # recognised; they are offered under their own header name.
                field_choices = [*choices, (initial, f"{header}（公共施設一覧の列）")]
            else:
                field_choices = choices
            self.fields[f"h{index}"] = forms.ChoiceField(
                label=header or f"（見出しなし・{index + 1}列目）",
                choices=field_choices,
                required=False,
                initial=initial,
            )

    def rows(self):
        """(header, bound field, sample values, recognised) for the template."""
        for index, header in enumerate(self.headers):
            yield (
                header,
                self[f"h{index}"],
                self.samples.get(index, []),
                recognise_header(header) is not None,
            )

    def mapping(self) -> dict[str, str]:
        return {str(i): self.cleaned_data.get(f"h{i}") or IGNORE for i in range(len(self.headers))}


DUPLICATE_CHOICES = ("new", "skip")


def read_decisions(data, duplicates: list[dict]) -> dict[int, str]:
    """The preview's radio buttons (`dup-<row index>` = new / skip / merge:<id>), limited to
    the rows and candidates the preview offered."""
    decisions: dict[int, str] = {}
    for duplicate in duplicates:
        index = duplicate["index"]
        value = data.get(f"dup-{index}", "")
        allowed = {f"merge:{c['service_id']}" for c in duplicate["candidates"]}
        if duplicate.get("target_id"):
            allowed.add(f"merge:{duplicate['target_id']}")
        if value in DUPLICATE_CHOICES or value in allowed:
            decisions[index] = value
    return decisions


class PublicationFilterForm(forms.Form):
    """The conditions of the bulk publication page (GET)."""

    q = forms.CharField(label="名称", required=False, max_length=100)
    area = forms.TypedChoiceField(label="圏域", required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label="公開の状態",
        required=False,
        choices=[
            ("", "すべて"),
            ("public", "公開している"),
            ("hidden", "公開していない"),
            ("no_consent", "掲載の同意がない"),
        ],
    )
    source = forms.ChoiceField(label="出典", required=False)
    batch = forms.ChoiceField(label="取り込んだファイル", required=False)

    def __init__(self, *args, areas, sources, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "すべて"), *[(a.pk, a.name) for a in areas]]
        self.fields["source"].choices = [("", "すべて"), *sources]
        self.fields["batch"].choices = [("", "すべて"), *[(name, name) for name in batches]]


class PublicationActionForm(forms.Form):
    """What to do with the chosen resources of the bulk publication page (POST). An invalid
    choice comes back with the page, with what was ticked still ticked."""

    action = forms.ChoiceField(
        label="選んだ資源への操作",
        error_messages={
            "required": "操作（公開する・公開しない など）を選んでください。",
            "invalid_choice": "操作は一覧の中から選んでください。",
        },
    )
    scope = forms.ChoiceField(
        label="対象",
        choices=[("checked", "チェックを入れた行"), ("all", "条件に合うすべて")],
        error_messages={
            "required": "対象（チェックを入れた行・条件に合うすべて）を選んでください。",
            "invalid_choice": "対象は「チェックを入れた行」か「条件に合うすべて」を選んでください。",
        },
    )
    ids = forms.TypedMultipleChoiceField(
        label="社会資源",
        required=False,
        coerce=int,
        error_messages={
            "invalid_choice": "この一覧にない社会資源が選ばれています。一覧から選び直してください。",
        },
    )

    def __init__(self, *args, actions: dict[str, str], allowed_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(actions.items())
        self.fields["ids"].choices = [(str(pk), str(pk)) for pk in allowed_ids]

    def clean(self):
        data = super().clean()
        if data.get("scope") == "checked" and not data.get("ids") and "ids" not in self.errors:
            self.add_error(
                "ids", "社会資源が選ばれていません。変更する行にチェックを入れてください。"
            )
        return data
