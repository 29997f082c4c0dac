"""Forms as a browser sees them: every `<form>` of an HTML answer with its method, action and
controls (inputs, selects with their selected options, textareas), what the browser would send
for it as shown, and the error summary. Used by the form round trip and the error-summary
tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

TEXT_KINDS = {"text", "search", "email", "url", "tel", "number", "date", "time", "month"}


@dataclass
class Control:
    name: str
    kind: str  # input type, "select", "select-multiple", "textarea"
    value: str = ""
    checked: bool = False
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    # Inside an element with the `hidden` attribute (or hidden itself): never shown, so a
    # person never fills it in (a honeypot); the browser still sends what it holds.
    unseen: bool = False

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    @property
    def sent_value(self) -> str:
        """What a browser sends for this checkbox or radio button when it is checked: its
        value attribute, or "on" without one."""
        return self.attrs.get("value", "on")


@dataclass
class HtmlForm:
    method: str
    action: str
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    def target(self, page_path: str) -> str:
        """The path the form sends to (its own page when it has no action)."""
        return urlsplit(self.action).path if self.action else page_path

    def names(self) -> list[str]:
        return list(dict.fromkeys(c.name for c in self.controls))

    def group(self, name: str) -> list[Control]:
        return [c for c in self.controls if c.name == name]

    def editable(self) -> list[str]:
        """Names a user fills in (not hidden, not buttons, not files, not out of sight)."""
        return [
            name
            for name in self.names()
            if all(
                c.kind not in ("hidden", "submit", "file") and not c.unseen
                for c in self.group(name)
            )
        ]

    def shown_values(self) -> dict[str, list[str]]:
        """Per name, what the form holds as shown: the value(s) a browser would send (a
        checkbox or radio only when checked, a select its selected options), buttons aside."""
        values: dict[str, list[str]] = {}
        for control in self.controls:
            if control.kind == "submit":
                continue
            found = values.setdefault(control.name, [])
            if control.kind in ("checkbox", "radio"):
                if control.checked:
                    found.append(control.sent_value)
            elif control.kind == "select":
                found.append(
                    control.selected[-1]
                    if control.selected
                    else (control.options[0] if control.options else "")
                )
            elif control.kind == "select-multiple":
                found.extend(control.selected)
            else:
                found.append(control.value)
        return values


@dataclass
class Page:
    forms: list[HtmlForm]
    ids: set[str]
    summaries: list[dict]  # each: {"attrs": {...}, "links": [href, ...], "text": str}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self.ids: set[str] = set()
        self.summaries: list[dict] = []
        self._form: HtmlForm | None = None
        self._select: Control | None = None
        self._option: tuple[Control, str, bool] | None = None
        self._option_text = ""
        self._textarea: Control | None = None
        self._summary_depth = 0
        self._hidden_depth = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        if tag not in ("input", "br", "img", "meta", "link", "hr", "option"):
            self._depth += 1
            if "hidden" in a and not self._hidden_depth:
                self._hidden_depth = self._depth
        unseen = bool(self._hidden_depth) or "hidden" in a
        if "data-error-summary" in a:
            self.summaries.append({"attrs": a, "links": [], "text": ""})
            self._summary_depth = self._depth
        elif self._summary_depth and tag == "a":
            self.summaries[-1]["links"].append(a.get("href", ""))
        if tag == "form":
            self._form = HtmlForm(
                method=a.get("method", "get").lower(), action=a.get("action", ""), attrs=a
            )
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("button", "image", "reset"):
                return
            self._form.controls.append(
                Control(
                    name,
                    kind,
                    a.get("value", ""),
                    checked="checked" in a,
                    attrs=a,
                    unseen=unseen,
                )
            )
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._form.controls.append(Control(name, "submit", a.get("value", ""), attrs=a))
        elif tag == "select" and name:
            self._select = Control(
                name, "select-multiple" if "multiple" in a else "select", attrs=a, unseen=unseen
            )
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = (self._select, a.get("value"), "selected" in a)
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea = Control(name, "textarea", attrs=a, unseen=unseen)
            self._form.controls.append(self._textarea)

    def _close_option(self):
        if self._option is None:
            return
        select, value, selected = self._option
        value = value if value is not None else self._option_text.strip()
        select.options.append(value)
        if selected:
            select.selected.append(value)
        self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data
        if self._summary_depth:
            self.summaries[-1]["text"] += data

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "img", "meta", "link", "hr", "option"):
            if self._summary_depth and self._depth == self._summary_depth:
                self._summary_depth = 0
            if self._hidden_depth and self._depth == self._hidden_depth:
                self._hidden_depth = 0
            self._depth -= 1
        if tag == "option":
            self._close_option()
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                # The HTML parser of a browser drops the newline right after <textarea>.
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return Page(forms=parser.forms, ids=parser.ids, summaries=parser.summaries)


def field_key(name: str) -> str:
    """A control's name with per-object prefixes folded (r12-date → r#-date), so that the same
    form shown for several objects counts once."""
    return re.sub(r"\d+", "#", name)
