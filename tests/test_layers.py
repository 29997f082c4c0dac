"""Lower layers never use upper ones: the layers of docs/architecture.md, kept by a test.

Every Python module of every app (its own tests aside: a test may put the whole site together)
is read with `ast`, and each dependency on another app is checked against LAYERS:

- imports, wherever they are: at the top, inside a function, under TYPE_CHECKING, relative;
- strings that name a module (`"sasaeai.cases.home.panels"` for import_string or a setting);
- strings that name a model (`"councils.Council"` in a ForeignKey) and `get_model("cases", …)`;
- a migration's dependencies on another app's migrations.

An app may use the apps of the layers below its own. Apps of one layer may use each other,
unless the layer says they are independent. Links between pages by URL name and templates are
not checked: a page may link to any page its user may open.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sasaeai"


@dataclass(frozen=True)
class Layer:
    name: str
    apps: tuple[str, ...]
    independent: bool = True  # the apps of this layer must not use each other


# Bottom to top.
LAYERS: tuple[Layer, ...] = (
    Layer("core", ("core",)),
    Layer("API kit", ("api",)),
    # Users belong to a municipality and its areas; the organisation's pages ask the access
    # policy; every layer writes the audit log and the log's pages ask the policy too.
    Layer("organisation and access", ("org", "accounts", "audit"), independent=False),
    Layer("resources", ("resources",)),
    # The living directory: public resource data and its proposals inbox, never case tables.
    Layer("directory", ("directory",)),
    Layer("cases", ("cases",)),
    # A meeting may be a council's; a council's issues cite visits, consultations, meetings.
    Layer("records and councils", ("activities", "councils"), independent=False),
    # Participation reads population files with the exchange app's readers, and the reports'
    # national indicators count 通いの場 from its selectors: between the two.
    Layer("exchange", ("exchange",)),
    Layer("participation", ("participation",)),
    Layer("reports", ("reports",)),
    Layer("site", ("site",)),
)


@dataclass(frozen=True)
class Use:
    path: Path
    line: int
    app: str  # the app used
    what: str  # how: the imported module, the string, the migration


MODULE_STRING = re.compile(r"sasaeai\.([a-z_]+)(\.[A-Za-z0-9_]+)*")
MODEL_LABEL = re.compile(r"([a-z_]+)\.([A-Za-z][A-Za-z0-9_]*)")
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _module_name(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(node: ast.Import | ast.ImportFrom, path: Path, root: Path) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = _module_name(path, root)
        if path.name != "__init__.py":
            package = package[:-1]
        base = package[: len(package) - node.level + 1]
    else:
        base = []
    module = ".".join([*base, *([node.module] if node.module else [])])
    if module.count(".") >= 1:
        return [module]
    # `from sasaeai import site`, `from .. import site`: the names are the apps.
    return [f"{module}.{alias.name}" for alias in node.names]


def _app_of_module(name: str, apps: set[str]) -> str | None:
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "sasaeai" and parts[1] in apps:
        return parts[1]
    return None


def _is_model_label(text: str, apps: set[str], *, lower_case: bool) -> bool:
    """ "cases.Case"; migrations write labels in lower case ("org.municipality")."""
    label = MODEL_LABEL.fullmatch(text)
    return bool(label and label.group(1) in apps and (lower_case or label.group(2)[0].isupper()))


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def uses_in(path: Path, root: Path, apps: set[str]) -> list[Use]:
    """Every use of an app that the module at `path` makes (its own app included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Use] = []

    def add(node: ast.AST, app: str | None, what: str) -> None:
        if app is not None:
            found.append(Use(path, getattr(node, "lineno", 0), app, what))

    is_migration = path.parent.name == "migrations"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in _imported(node, path, root):
                add(node, _app_of_module(name, apps), f"import {name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if MODULE_STRING.fullmatch(text):
                add(node, _app_of_module(text, apps), f'"{text}"')
            elif _is_model_label(text, apps, lower_case=is_migration):
                add(node, text.split(".")[0], f'model "{text}"')
        elif isinstance(node, ast.Call) and _call_name(node) == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and first.value in apps and len(node.args) > 1:
                add(node, first.value, f'get_model("{first.value}", …)')
        elif is_migration and isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if targets == ["dependencies"] and isinstance(node.value, ast.List | ast.Tuple):
                for item in node.value.elts:
                    if isinstance(item, ast.Tuple) and item.elts:
                        first = item.elts[0]
                        if isinstance(first, ast.Constant) and first.value in apps:
                            add(item, first.value, f'migration dependency "{first.value}"')
    return found


def app_modules(root: Path) -> dict[str, list[Path]]:
    """Each app's Python files, without the app's own tests."""
    result: dict[str, list[Path]] = {}
    for app_dir in sorted(p for p in root.iterdir() if (p / "__init__.py").exists()):
        result[app_dir.name] = [
            path
            for path in sorted(app_dir.rglob("*.py"))
            if "tests" not in path.relative_to(app_dir).parts
        ]
    return result


def violations(root: Path, layers: tuple[Layer, ...]) -> list[str]:
    level = {app: index for index, layer in enumerate(layers) for app in layer.apps}
    layer_of = {app: layer for layer in layers for app in layer.apps}
    modules = app_modules(root)
    apps = set(modules)
    found = []
    for app, paths in modules.items():
        for path in paths:
            for use in uses_in(path, root, apps):
                if use.app == app or use.app not in level:
                    continue
                upward = level[use.app] > level[app]
                across = level[use.app] == level[app] and layer_of[app].independent
                if upward or across:
                    where = path.relative_to(root.parent)
                    found.append(
                        f"{where}:{use.line}: {use.what} — {app} ({layer_of[app].name}) "
                        f"must not use {use.app} ({layer_of[use.app].name})"
                    )
    return found


# --- the project's own layers ------------------------------------------------------------------


def test_every_app_is_in_exactly_one_layer():
    placed = [app for layer in LAYERS for app in layer.apps]
    assert len(placed) == len(set(placed)), "an app is in two layers"
    assert set(placed) == set(app_modules(PACKAGE)), "place every app of sasaeai/ in a layer"
    installed = {
        config.name.split(".", 1)[1]
        for config in django_apps.get_app_configs()
        if config.name.startswith("sasaeai.")
    }
    assert installed == set(placed)


def test_lower_layers_never_use_upper_ones():
    found = violations(PACKAGE, LAYERS)
    assert not found, "uses against the layers (docs/architecture.md):\n" + "\n".join(found)


# --- the checker itself, on a small made-up project ------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for parent in path.relative_to(root.parent).parents:
            if parent != Path(".") and not (root.parent / parent / "__init__.py").exists():
                (root.parent / parent / "__init__.py").write_text("", encoding="utf-8")


TOY_LAYERS = (
    Layer("bottom", ("low",)),
    Layer("middle", ("left", "right")),
    Layer("pair", ("one", "two"), independent=False),
    Layer("top", ("high",)),
)
TOY_APPS = ["low", "left", "right", "one", "two", "high"]


@pytest.mark.parametrize(
    ("source", "used"),
    [
        ("from sasaeai.high import api\n", "import sasaeai.high"),
        ("import sasaeai.high.models\n", "import sasaeai.high.models"),
        ("from sasaeai import high\n", "import sasaeai.high"),
        ("from .. import high\n", "import sasaeai.high"),
        ("from ..high.models import Thing\n", "import sasaeai.high.models"),
        ("def f():\n    from sasaeai.high import api\n", "import sasaeai.high"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sasaeai.high import x\n",
            "import sasaeai.high",
        ),
        ('STEPS = ["sasaeai.high.demo.load"]\n', '"sasaeai.high.demo.load"'),
        ('fk = models.ForeignKey("high.Thing", on_delete=None)\n', 'model "high.Thing"'),
        ('Thing = apps.get_model("high", "Thing")\n', 'get_model("high", …)'),
    ],
)
def test_checker_finds_every_kind_of_upward_use(tmp_path, source, used):
    root = tmp_path / "sasaeai"
    _write(root, {f"{app}/models.py": "" for app in TOY_APPS} | {"low/module.py": source})
    found = violations(root, TOY_LAYERS)
    assert len(found) == 1, found
    assert found[0].startswith("sasaeai/low/module.py:")
    assert used in found[0]


def test_checker_reads_migrations(tmp_path):
    root = tmp_path / "sasaeai"
    migration = (
        "class Migration:\n"
        '    dependencies = [("low", "0001_initial"), ("high", "0002_things")]\n'
        '    operations = [AddField(to="high.thing")]\n'
    )
    _write(
        root, {f"{app}/models.py": "" for app in TOY_APPS} | {"low/migrations/0002_x.py": migration}
    )
    found = violations(root, TOY_LAYERS)
    assert len(found) == 2, found
    assert 'migration dependency "high"' in found[0]
    assert 'model "high.thing"' in found[1]


def test_checker_allows_downward_and_own_uses_and_siblings_that_may(tmp_path):
    root = tmp_path / "sasaeai"
    files = {f"{app}/models.py": "" for app in TOY_APPS} | {
        "high/views.py": "from sasaeai.low import models\nfrom sasaeai.one import x\n",
        "one/views.py": "from sasaeai.two import models\nfrom . import models as own\n",
        "two/views.py": 'fk = ForeignKey("one.Thing")\n',
        "left/views.py": '"""Mentions sasaeai.high in prose."""\nfrom sasaeai.low import x\n',
        "low/tests/test_all.py": "from sasaeai.high import everything\n",
    }
    _write(root, files)
    assert violations(root, TOY_LAYERS) == []


def test_checker_refuses_uses_between_independent_siblings(tmp_path):
    root = tmp_path / "sasaeai"
    _write(
        root,
        {f"{app}/models.py": "" for app in TOY_APPS}
        | {"left/views.py": "from sasaeai.right import selectors\n"},
    )
    found = violations(root, TOY_LAYERS)
    assert len(found) == 1
    assert "left (middle) must not use right (middle)" in found[0]
