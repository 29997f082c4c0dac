"""What a plan is made of: each row's reading, its problems, the resource it is the same as, the
fields that change, and what the writer is to write for it (RowWrites), so that exchange.writer
only writes what the plan decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sasaeai.org.models import Town, TownBlock
from sasaeai.org.selectors import ResolvedAddress
from sasaeai.resources.models import Category, TargetGroup

from ..records import Record
from .columns import CHECK_ONLY_KEYS


@dataclass
class Problem:
    label: str
    column: str
    message: str
    severity: str = "error"  # error / warning / review
    index: int = 0

    def as_json(self) -> dict:
        return {
            "row": self.label,
            "column": self.column,
            "message": self.message,
            "severity": self.severity,
            "index": self.index,
        }


@dataclass
class Candidate:
    service_id: int
    name: str
    town: str
    reasons: list[str]
    diff: list[dict] = field(default_factory=list)  # what merging into it would change

    def as_json(self) -> dict:
        return {
            "service_id": self.service_id,
            "name": self.name,
            "town": self.town,
            "reasons": self.reasons,
            "diff": self.diff,
        }


@dataclass
class RowPlan:
    index: int
    label: str
    name: str = ""
    action: str = "create"  # create / update / unchanged / skip / error
    target_id: int | None = None
    match: str = ""  # why the row is taken as an existing resource
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    review: str = ""
    typed: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # Each change of an update as the preview shows it: {"field", "before", "after"}.
    diff: list[dict] = field(default_factory=list)
    # The schedule text says whether the place is closed on holidays (when it does not, a
    # merge keeps the rule the resource has).
    holidays_stated: bool = True
    # The same for the year-end closure (年末年始).
    year_end_stated: bool = True
    resolved: ResolvedAddress | None = None
    town: Town | None = None
    writes: RowWrites | None = None  # for rows that create or update (see writes.py)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def error(self, record: Record, key: str, message: str) -> None:
        self.problems.append(
            Problem(record.label, record.column(key), message, "error", record.index)
        )

    def warn(self, record: Record, key: str, message: str, severity: str = "warning") -> None:
        self.problems.append(
            Problem(record.label, record.column(key), message, severity, record.index)
        )


@dataclass
class Plan:
    rows: list[RowPlan]
    file_problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "skip": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["total"] = len(self.rows)
        counts["review"] = sum(1 for r in self.rows if r.review and r.action != "error")
        counts["duplicates"] = sum(1 for r in self.rows if r.candidates)
        return counts

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.action == "error") + len(
            [p for p in self.file_problems if p.severity == "error"]
        )

    def fingerprint(self) -> list:
        """What the plan would do, for noticing a change between preview and commit."""
        return [[r.index, r.action, r.target_id, sorted(r.changes)] for r in self.rows]


# --- what the writer writes for a row -------------------------------------------------------------


class Unchanged:
    """A part of a resource (its organisation, its place) the row leaves as it is."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = Unchanged()


@dataclass(frozen=True)
class OrganizationSpec:
    """The organisation a resource is run by after the import: found by `key` among the
    municipality's organisations (and those the same import creates), else created."""

    name: str
    key: str
    operator_type: Category | None  # set on the organisation when given
    corporate_number: str  # set when given


@dataclass(frozen=True)
class LocationSpec:
    """The place a resource is held at after the import: the location with the same `key`
    (name and address) unless it is plainly another place, else a new one."""

    key: tuple
    name: str
    address: str
    address_2: str
    postal_code: str
    town: Town | None
    town_block: TownBlock | None
    latitude: Decimal | None
    longitude: Decimal | None
    is_approximate: bool
    is_private_home: bool
    place_type: Category | None
    explicit_private: bool  # the row says whether it is a private home
    explicit_place_type: bool  # the row gives the place's type


@dataclass
class RowWrites:
    """Everything the writer writes for one row that creates or updates a resource."""

    service: dict[str, Any]  # model field → value, for the fields that change
    organization: OrganizationSpec | Unchanged | None
    location: LocationSpec | Unchanged | None
    categories: list[Category] | None  # the whole new list, or None when unchanged
    target_groups: list[TargetGroup] | None
    schedules: list[dict] | None  # the new schedules' field values, or None when unchanged


def trace_values(row: RowPlan) -> dict[str, Any]:
    """What the file gave for the row, as the import remembers it (see existing.compare)."""
    return {k: v for k, v in row.new.items() if k not in CHECK_ONLY_KEYS}
