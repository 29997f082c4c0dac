"""Browser tests read the page only once it has answered the action before it.

A click, a tap or an Enter may start a navigation (a link, a form's submit) or run a script
that changes the page. Playwright's action returns as soon as the events are dispatched; it
does not wait for the next document. A read that does not retry (`is_visible()`, `count()`,
`page.url`, `content()`, `evaluate(...)`, a screenshot, an axe check, a helper given the page)
made straight after it reads whichever document is there at that instant (and a query of
the database reads it before the server has written): the old one, or a
new one still loading. That passes on a quiet machine and fails one run in many on a busy one
(CI on 2dc9d1c: the imported resource's heading "not visible" on the page that was loading it).

The rule this test holds every browser test to: after such an action, nothing reads the page
before something waits. Either the action sits inside `with page.expect_navigation()` (or another
`expect_*` context), or the next statement is a web-first assertion (`expect(...)`), which
retries until the page agrees, or an explicit wait (`wait_for_url`, `wait_for`, ...).

Keys that only move focus or change a native control (Tab, arrows, Space, Escape) and
`check()` (which itself verifies the new state) are synchronous in the page and exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BROWSER_TESTS = Path(__file__).parent / "browser"

# Actions that may start a navigation or a script's asynchronous work.
MAY_NAVIGATE = {"click", "dblclick", "tap", "press", "submit"}
# Keys whose effect the page has applied when `press` returns.
SYNCHRONOUS_KEYS = {
    "Tab",
    "Shift+Tab",
    "ArrowUp",
    "ArrowDown",
    "ArrowLeft",
    "ArrowRight",
    "Space",
    "Escape",
    "Home",
    "End",
}
# Playwright reads that answer at once, without retrying.
IMMEDIATE_READS = {
    "is_visible",
    "is_hidden",
    "is_checked",
    "is_enabled",
    "is_disabled",
    "count",
    "url",
    "content",
    "title",
    "inner_text",
    "inner_html",
    "text_content",
    "all_inner_texts",
    "all_text_contents",
    "get_attribute",
    "input_value",
    "evaluate",
    "eval_on_selector",
    "eval_on_selector_all",
}
PAGE_NAMES = {"page", "tab"}
NOT_READS = {"expect", "len", "str", "int", "set", "list", "all", "any", "sorted"}


def _may_navigate(statement: ast.stmt) -> str | None:
    """The action a bare call statement performs, if it may navigate."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in MAY_NAVIGATE:
        return None
    if call.func.attr == "press":
        key = call.args[-1] if call.args else None
        if isinstance(key, ast.Constant) and key.value in SYNCHRONOUS_KEYS:
            return None
    return ast.unparse(call)


def _immediate_reads(statement: ast.stmt) -> list[str]:
    """What in a statement reads the page, or the database the server writes, without waiting."""
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Attribute) and node.attr in IMMEDIATE_READS:
            found.append(node.attr)
        elif isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append("the database")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id not in NOT_READS
            and any(isinstance(a, ast.Name) and a.id in PAGE_NAMES for a in node.args)
        ):
            found.append(f"{node.func.id}(page)")
    return found


def _waits_for_navigation(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.With) and any(
        isinstance(item.context_expr, ast.Call)
        and isinstance(item.context_expr.func, ast.Attribute)
        and item.context_expr.func.attr.startswith("expect_")
        for item in statement.items
    )


def _waits(statement: ast.stmt) -> bool:
    """A web-first assertion, an explicit wait, or an `expect_*` block."""
    if _waits_for_navigation(statement):
        return True
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "expect":
                return True
            if isinstance(func, ast.Attribute) and func.attr.startswith("wait_for"):
                return True
    return False


def _acts(statement: ast.stmt) -> bool:
    """Another Playwright action: it waits for its own target, and the rule starts over."""
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
    )


def unwaited_reads(source: str, name: str = "<test>") -> list[str]:
    """Every place in `source` where a read follows a navigating action without a wait."""
    problems: list[str] = []

    def walk(body: list[ast.stmt], guarded: bool) -> None:
        for index, statement in enumerate(body):
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.AST):
                    if field == "handlers":
                        for handler in inner:
                            walk(handler.body, guarded)
                    else:
                        walk(inner, guarded or _waits_for_navigation(statement))
            action = _may_navigate(statement)
            if action is None or guarded:
                continue
            for following in body[index + 1 :]:
                if _waits(following):
                    break
                reads = _immediate_reads(following)
                if reads:
                    problems.append(
                        f"{name}:{statement.lineno}: {action} then"
                        f" {', '.join(sorted(set(reads)))} without waiting"
                    )
                    break
                if _acts(following):
                    break

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            walk(node.body, False)
    return problems


def test_every_browser_test_waits_after_an_action_that_may_navigate():
    problems = []
    for path in sorted(BROWSER_TESTS.glob("*.py")):
        problems += unwaited_reads(path.read_text(encoding="utf-8"), path.name)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "body",
    [
        # The CI failure on 2dc9d1c: a link clicked, its page's heading read at once.
        'page.get_by_role("link", name="x").click()\n'
        'assert page.get_by_role("heading", name="x").is_visible()',
        'page.get_by_role("button", name="保存する").click()\nassert "誤り" in page.content()',
        'page.keyboard.press("Enter")\nassert page.url.endswith("/done/")',
        'link.click()\nshot(page, "journey", "after")',
        'page.locator("a").click()\nn = page.locator("li").count()',
        'page.locator("a").click()\nexpected = 3\nassert page.locator("li").count() == expected',
        # The server may not have written yet either.
        'page.get_by_role("button").click()\nassert Model.objects.count() == 1',
    ],
)
def test_the_rule_finds_a_read_that_races_the_navigation(body):
    source = "def test_x(page):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    assert len(unwaited_reads(source)) == 1


@pytest.mark.parametrize(
    "body",
    [
        'with page.expect_navigation():\n    page.get_by_role("link", name="x").click()\n'
        'assert page.get_by_role("heading", name="x").is_visible()',
        'page.get_by_role("link", name="x").click()\n'
        'expect(page.get_by_role("heading", name="x")).to_be_visible()',
        'page.get_by_role("link", name="x").click()\npage.wait_for_url("**/x/")\n'
        'assert page.url.endswith("/x/")',
        'page.keyboard.press("Tab")\nassert page.evaluate("() => 1") == 1',
        'page.get_by_label("火曜").check()\nassert page.get_by_label("火曜").is_checked()',
    ],
)
def test_the_rule_lets_a_waited_or_synchronous_read_pass(body):
    source = "def test_x(page):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    assert unwaited_reads(source) == []
