"""All errors at once (issue 17, defect 4; issue 21): a form must not hold back the model's
rules until its own fields are right. The class of bug found: ModelForms whose `_post_clean`
was switched off ("the service checks the model"), so that the model's errors (an age over 120,
丁目 not in 町) came only on the next submit. Every ModelForm of the app is found here by
importing each app's forms module, and none may switch the model's validation off: a
`_post_clean` of its own must do something (run the model's checks on a copy, see
`sasaeai.core.forms.ModelChecksOnCopy`, or the service's checks)."""

import ast
import importlib
import inspect
import pkgutil
import textwrap

from django import forms

import sasaeai


def _model_forms() -> list[type[forms.ModelForm]]:
    found = []
    for module_info in pkgutil.iter_modules(sasaeai.__path__):
        name = f"sasaeai.{module_info.name}.forms"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseModelForm)
                and value.__module__ == name
            ):
                found.append(value)
    return found


def _does_nothing(function) -> bool:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0].body
    return all(
        isinstance(node, ast.Pass)
        or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        for node in body
    )


def test_the_model_forms_are_found():
    names = {cls.__name__ for cls in _model_forms()}
    assert {"CaseForm", "ServiceForm", "CalendarEntryForm"} <= names, names


def test_no_model_form_switches_the_model_validation_off():
    silenced = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in _model_forms()
        for klass in cls.__mro__
        if klass.__module__.startswith("sasaeai.")
        and "_post_clean" in vars(klass)
        and _does_nothing(vars(klass)["_post_clean"])
    ]
    assert not silenced, (
        "these forms skip the model's rules, so their errors come one round late: "
        + ", ".join(sorted(set(silenced)))
    )


# The other way a form shows its errors in rounds: a `clean()` that stops at the first error
# (`if self.errors: return`, `if "x" in self.errors: return data`), so that the checks after it
# run only on the next submit. Each form found doing so must say why the later checks cannot
# run without the field in error.
STOPS_FOR_A_REASON = {
    "sasaeai.cases.forms.ReferralAdvanceForm": (
        "without a readable next status no rule of the step (consent, dates) applies"
    ),
}


def _forms() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.iter_modules(sasaeai.__path__):
        name = f"sasaeai.{module_info.name}.forms"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == name
            ):
                found.append(value)
    return found


def _mentions_errors(node: ast.AST) -> bool:
    return any(
        isinstance(sub, ast.Attribute) and sub.attr in ("errors", "_errors")
        for sub in ast.walk(node)
    )


def _stops_at_an_error(function) -> bool:
    """An `if` on the form's errors whose body returns, before the end of clean()."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0].body
    for node in ast.walk(tree.body[0]):
        if (
            isinstance(node, ast.If)
            and _mentions_errors(node.test)
            and any(isinstance(sub, ast.Return) for sub in ast.walk(node))
            and node is not body[-1]
        ):
            return True
    return False


def test_the_forms_are_found():
    names = {cls.__name__ for cls in _forms()}
    assert {"CaseForm", "ReferralAdvanceForm", "AdvanceForm", "ScheduleForm"} <= names, names


def test_no_clean_stops_at_the_first_error():
    stopping = sorted(
        {
            f"{klass.__module__}.{klass.__name__}"
            for cls in _forms()
            for klass in cls.__mro__
            if klass.__module__.startswith("sasaeai.")
            and "clean" in vars(klass)
            and _stops_at_an_error(vars(klass)["clean"])
        }
    )
    unexplained = [name for name in stopping if name not in STOPS_FOR_A_REASON]
    assert not unexplained, (
        "these forms stop checking at the first error, so the rest come one round late: "
        + ", ".join(unexplained)
    )
    stale = sorted(set(STOPS_FOR_A_REASON) - set(stopping))
    assert not stale, f"no longer stopping, remove from STOPS_FOR_A_REASON: {stale}"


def test_the_check_sees_a_form_that_stops():
    class Stopping(forms.Form):
        day = forms.DateField()

        def clean(self):
            data = super().clean()
            if self.errors:
                return data
            self.add_error(None, "later rule")
            return data

    assert _stops_at_an_error(Stopping.clean)
