"""Audit writes belong in the service that makes the change, not in views: a view or API
operation may write only the rows of what it *shows* or *hands out* (閲覧, 出力) and the
login events, because those are reads that no service performs. A change made in a view would
otherwise be audited on one path and not on another (the API, a command, the Django admin).

The views, view modules and API modules of every app are read with `ast`; each call of
`audit_record` must name one of the allowed actions.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "sasaeai"
READ_ACTIONS = {"view", "export", "login_failed"}


def _entry_modules() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.name in ("views.py", "api.py") or path.name.endswith("_views.py"):
            found.append(path)
    return found


def _action(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            value = keyword.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
            if isinstance(value, ast.Attribute):  # AuditEvent.Action.VIEW
                return value.attr.lower()
            return "?"
    return None


def _writes_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "audit_record" and _action(node) not in READ_ACTIONS:
                where = path.relative_to(ROOT.parent) if path.is_relative_to(ROOT) else path.name
                found.append(f"{where}:{node.lineno} ({_action(node)})")
    return found


def test_entry_modules_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in _entry_modules()}
    assert {"councils/views.py", "resources/views.py", "accounts/views.py"} <= names
    assert "accounts/two_factor_views.py" in names and "councils/api.py" in names


def test_views_and_api_audit_only_reads():
    writes = [w for path in _entry_modules() for w in _writes_in(path)]
    assert writes == [], "audit writes of changes belong in services: " + ", ".join(writes)


def test_the_check_sees_a_write_in_a_view(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "def v(request):\n"
        "    audit_record(request=request, action='update', summary='x')\n"
        "    audit_record(request=request, action=AuditEvent.Action.VIEW, summary='y')\n"
    )
    assert _writes_in(sample) == ["views.py:2 (update)"]
