"""`__in` on integer columns and on relations to them ignores numbers outside the range.

Django (5.2) already answers `pk=10**30` with "no rows" instead of sending it to the database,
but not `pk__in=[10**30]` or `area__in=[10**30]`: SQLite raises OverflowError and PostgreSQL an
out-of-range error, so a hostile post of a thirty-digit id to any multiple-choice field
(ModelMultipleChoiceField filters `pk__in`) was a server error. A number outside the column's
range matches no row, so it is dropped; a list left empty matches nothing (EmptyResultSet, as
Django does for an empty list)."""

from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


def _integer_range(field, connection) -> tuple[int | None, int | None]:
    field = getattr(field, "target_field", field)  # a relation: the column it points to
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except (KeyError, AttributeError):
        return None, None


class _DropsOutOfRange:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = _integer_range(self.lhs.output_field, connection)
            if low is not None or high is not None:
                self.rhs = [
                    value
                    for value in self.rhs
                    if not isinstance(value, int)
                    or isinstance(value, bool)
                    or ((low is None or value >= low) and (high is None or value <= high))
                ]
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_DropsOutOfRange, In):
    pass


class RelatedIntegerIn(_DropsOutOfRange, RelatedIn):
    pass


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
