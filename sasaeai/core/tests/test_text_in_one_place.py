"""Japanese search text has one home: folding in core.text, readings in core.readings (the only
module that sets up SudachiPy), distances in core.geo. These modules depend on nothing above
core, and the resource models do not import the search module (the circle that used to run
between them)."""

import ast
from pathlib import Path

import sasaeai

ROOT = Path(sasaeai.__file__).resolve().parent
CORE_TEXT_MODULES = ["core/text.py", "core/readings.py", "core/geo.py"]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (inside functions too), relative imports made
    absolute."""
    package = ".".join(("sasaeai", *path.relative_to(ROOT).with_suffix("").parts[:-1]))
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _application_modules() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]


def test_core_text_modules_import_nothing_above_core():
    for name in CORE_TEXT_MODULES:
        above = {
            m
            for m in _imports(ROOT / name)
            if m.startswith("sasaeai.") and not m.startswith("sasaeai.core.")
        }
        assert not above, f"{name} imports {sorted(above)}"


def test_resource_models_do_not_import_the_search_module():
    imported = _imports(ROOT / "resources" / "models.py")
    assert not {m for m in imported if m.startswith("sasaeai.resources.search")}


def test_only_core_readings_sets_up_sudachipy():
    users = sorted(
        str(p.relative_to(ROOT))
        for p in _application_modules()
        if any(m == "sudachipy" or m.startswith("sudachipy.") for m in _imports(p))
    )
    assert users == ["core/readings.py"]


def test_distance_maths_and_folding_are_defined_once():
    defined: dict[str, list[str]] = {}
    for path in _application_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in (
                "haversine_m",
                "bounding_box",
                "search_key",
                "reading",
                "split_terms",
                "normalize",
            ):
                defined.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    assert defined == {
        "haversine_m": ["core/geo.py"],
        "bounding_box": ["core/geo.py"],
        "search_key": ["core/text.py"],
        "reading": ["core/readings.py"],
        "split_terms": ["core/text.py"],
    }
