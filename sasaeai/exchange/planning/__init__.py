"""Deciding what an import will do, row by row, before anything is written: each field read and
checked (with the row, the column and a Japanese explanation for every problem), the resource
each row is the same as (by external id, or by name in the same town), likely duplicates to
offer for merging, for rows that update which fields change and which are kept because a
coordinator edited them in the system since the last import, and what the writer is to write.

Everything the rows refer to is loaded once (towns, blocks, categories, existing resources), so
planning costs no query per row; addresses are placed with org.selectors.address_resolve,
called once per distinct town and 丁目.

One module per step:
- context.py: what is loaded once (ImportContext);
- reading.py: one record read into typed values and checked (read_record);
- existing.py: what an existing resource has, and which fields change (compare);
- duplicates.py: likely duplicates of a new row;
- writes.py: what the writer writes for each row (RowWrites);
- planner.py: the plan itself (plan_import);
- plan.py: the plan's objects; columns.py, folding.py, ids.py: field keys, comparison keys and
  the ids records carry in exports.
"""

from .context import ImportContext
from .folding import fold
from .ids import export_id, is_uuid, service_export_id, service_hsds_id
from .plan import Candidate, Plan, Problem, RowPlan
from .planner import plan_import

__all__ = [
    "Candidate",
    "ImportContext",
    "Plan",
    "Problem",
    "RowPlan",
    "export_id",
    "fold",
    "is_uuid",
    "plan_import",
    "service_export_id",
    "service_hsds_id",
]
