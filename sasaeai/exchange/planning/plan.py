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


# How much of a plan the preview keeps (the counts are always whole): a 50,000-row file keeps
# its counts and the first problems, duplicates and updates, never every row (memory).
PREVIEW_PROBLEMS = 1000
PREVIEW_SAMPLE = 100
PREVIEW_DUPLICATES = 300
PREVIEW_REVIEWS = 500
SEVERITY_ORDER = {"error": 0, "review": 1, "warning": 2}


@dataclass
class Plan:
    """What an import would do, kept compact: the rows are digested as they are planned (a chunk
    at a time, see planner.Planner) into whole counts and the first problems, duplicates,
    updates and sample rows the preview shows. `rows` keeps every RowPlan only when asked
    (`keep_rows`, for small files and tests)."""

    rows: list[RowPlan] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    keep_rows: bool = False
    tally: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("create", "update", "unchanged", "skip", "error", "total", "review", "duplicates"), 0
        )
    )
    severity_counts: dict[str, int] = field(
        default_factory=lambda: {"error": 0, "warning": 0, "review": 0}
    )
    # Per severity, the first problems in row order (enough for the preview's first 1,000).
    first_problems: dict[str, list[Problem]] = field(
        default_factory=lambda: {"error": [], "review": [], "warning": []}
    )
    duplicates: list[dict] = field(default_factory=list)
    duplicate_count: int = 0
    sample: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    update_count: int = 0
    reviews: list[dict] = field(default_factory=list)
    kept_rows: int = 0

    def add(self, rows: list[RowPlan]) -> None:
        """Digests planned rows (in file order) into the plan's counts and samples."""
        from ..records import field_label

        for row in rows:
            if self.keep_rows:
                self.rows.append(row)
            tally = self.tally
            tally[row.action] += 1
            tally["total"] += 1
            if row.review and row.action != "error":
                tally["review"] += 1
                if len(self.reviews) < PREVIEW_REVIEWS:
                    self.reviews.append({"row": row.label, "name": row.name, "reason": row.review})
            if row.candidates:
                tally["duplicates"] += 1
            for problem in row.problems:
                self._add_problem(problem)
            if row.kept:
                self.kept_rows += 1
            if row.candidates and row.action != "error":
                self.duplicate_count += 1
                if len(self.duplicates) < PREVIEW_DUPLICATES:
                    self.duplicates.append(
                        {
                            "index": row.index,
                            "row": row.label,
                            "name": row.name,
                            "town": row.town.name if row.town else "",
                            "match": row.match,
                            "target_id": row.target_id,
                            "action": row.action,
                            "candidates": [c.as_json() for c in row.candidates],
                        }
                    )
            if row.action in ("create", "update") and len(self.sample) < PREVIEW_SAMPLE:
                update = row.action == "update"
                self.sample.append(
                    {
                        "row": row.label,
                        "name": row.name,
                        "action": row.action,
                        "town": row.town.name if row.town else "",
                        "match": row.match,
                        "changes": [field_label(k) for k in row.changes] if update else [],
                        "diff": row.diff if update else [],
                        "kept": [field_label(k) for k in row.kept],
                    }
                )
            if row.action == "update":
                self.update_count += 1
                if len(self.updates) < PREVIEW_SAMPLE:
                    self.updates.append(
                        {
                            "row": row.label,
                            "name": row.name,
                            "target_id": row.target_id,
                            "diff": row.diff,
                        }
                    )

    def _add_problem(self, problem: Problem) -> None:
        self.severity_counts[problem.severity] = self.severity_counts.get(problem.severity, 0) + 1
        kept = self.first_problems.setdefault(problem.severity, [])
        if len(kept) < PREVIEW_PROBLEMS:
            kept.append(problem)

    def problems(self, limit: int = PREVIEW_PROBLEMS) -> list[Problem]:
        """The file's problems and the rows' first ones, errors first, then in row order."""
        found = [*self.file_problems]
        for kept in self.first_problems.values():
            found.extend(kept)
        found.sort(key=lambda p: (SEVERITY_ORDER.get(p.severity, 3), p.index))
        return found[:limit]

    def problem_counts(self) -> dict[str, int]:
        counts = dict(self.severity_counts)
        for problem in self.file_problems:
            counts[problem.severity] = counts.get(problem.severity, 0) + 1
        return counts

    def counts(self) -> dict[str, int]:
        return dict(self.tally)

    @property
    def error_count(self) -> int:
        return self.tally["error"] + len([p for p in self.file_problems if p.severity == "error"])


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
