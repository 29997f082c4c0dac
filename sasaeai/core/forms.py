"""What the apps' forms share: model validation run on a copy of the instance, so that a form
shows every error in one round while only the service that saves changes the instance."""

import copy

from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS


class ModelChecksOnCopy:
    """For a ModelForm whose write goes through a service (which validates again and saves):
    the model's rules run here too, with the fields already in error left out, on a copy of
    the instance. Without this a form shows its own errors first and the model's (丁目 not in
    町, an age over the limit) only on the next submit. `write_errors(candidate)` adds the
    service's own rules (a date not in the future …) as `{field: message}`."""

    def write_errors(self, candidate) -> dict[str, str]:
        return {}

    def _post_clean(self):
        original = self.instance
        self.instance = copy.copy(original)
        try:
            super()._post_clean()
            for name, message in self.write_errors(self.instance).items():
                if name in self.errors:
                    continue
                self.add_error(name if name in self.fields else None, message)
        finally:
            self.instance = original

    def _update_errors(self, errors: ValidationError) -> None:
        # A rule of the model on a field the form does not show is an error of the form.
        if hasattr(errors, "error_dict"):
            for name in [n for n in errors.error_dict if n != NON_FIELD_ERRORS]:
                if name not in self.fields:
                    moved = errors.error_dict.pop(name)
                    errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(moved)
        super()._update_errors(errors)
