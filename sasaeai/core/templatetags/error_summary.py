"""The error summary of a form page: `{% error_summary form other_form formset %}` lists every
error of the forms given, each a link to its field (the Digital Agency design system's pattern),
for `includes/error_summary.html`; `static/js/error_summary.js` moves the focus there and opens
any collapsed part (`<details>`) holding an error."""

from django import forms, template
from django.forms.forms import NON_FIELD_ERRORS

register = template.Library()


def field_target(bound: forms.BoundField) -> str:
    """The id of the element a link to this field should reach: the first button of a radio
    or checkbox group, the first part of a split field, else the control itself. A field
    drawn by hand (the resource picker) uses `auto_id` on its own search box."""
    widget = bound.field.widget
    grouped = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    if grouped or isinstance(widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id


def summary_items(*forms_or_formsets) -> list[dict]:
    """(href, label, text) of every error of the forms (or formsets, lists of them, messages,
    `{field: [messages]}` of a form drawn by hand), in the order of their fields."""
    items: list[dict] = []
    for form in forms_or_formsets:
        if not form:
            continue
        if isinstance(form, str):  # a message of the page, tied to no field
            items.append({"href": "", "label": "", "text": form})
            continue
        if isinstance(form, list | tuple):
            items += summary_items(*form)
            continue
        if isinstance(form, dict):  # {field: [messages]} of a form drawn by hand: id_<field>
            for name, errors in form.items():
                href = "" if name == NON_FIELD_ERRORS else f"#id_{name}"
                items += [{"href": href, "label": "", "text": e} for e in errors]
            continue
        if hasattr(form, "non_form_errors"):  # a formset: its own errors, then its forms'
            if form.is_bound:
                items += [{"href": "", "label": "", "text": e} for e in form.non_form_errors()]
            items += summary_items(*form.forms)
            continue
        if not getattr(form, "is_bound", False) or not form.errors:
            continue
        order = {name: index for index, name in enumerate(form.fields)}
        ordered = sorted(form.errors.items(), key=lambda item: order.get(item[0], -1))
        for name, errors in ordered:
            if name == NON_FIELD_ERRORS or name not in form.fields:
                items += [{"href": "", "label": "", "text": e} for e in errors]
                continue
            bound = form[name]
            target = field_target(bound)
            items += [
                {"href": f"#{target}" if target else "", "label": bound.label, "text": e}
                for e in errors
            ]
    # Errors of the whole form first, as Django shows them, then the fields in form order.
    return [i for i in items if not i["href"]] + [i for i in items if i["href"]]


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_or_formsets) -> dict:
    return {"items": summary_items(*forms_or_formsets)}


@register.simple_tag
def error_target(bound: forms.BoundField) -> str:
    """The id a summary link uses for this field (templates that draw a field by hand give
    this id to the control the user should reach)."""
    return field_target(bound)
