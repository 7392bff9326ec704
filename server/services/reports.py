"""The contract managers' figures: each service standard's share met over a range of booked visits.

A year of a busy contract is 50,000 visits: reading each into Python took seconds, so the database
counts them. Each visit's verdicts are server.services.standards' SQL twins of the visit page's rules
(proven equal visit by visit in tests/test_standards.py); one query adds them up and lists the first
visits that missed each standard. Only the planned works notice (bank holidays) and the concerns (a few
per hundred visits) run the per-visit rules in Python. The export reads every visit as a plain row and
runs the rules themselves (`visits_with_results`).
"""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

import sqlalchemy as sa

from server.errors import Forbidden, NotFound
from server.extensions import db
from server.models import (
    Concern,
    ConcernCategory,
    Contract,
    NoAccessAttempt,
    Property,
    User,
    Visit,
    VisitKind,
    VisitReport,
    VisitStatus,
)
from server.schemas.standards import validated_standards
from server.services import compensation, concerns, standards
from server.services.access import visible, visit_filter

MISSED_LISTED = 50
CHUNK = 1000
# The checklist's satisfaction answers (server.services.checklists) that count as satisfied.
SATISFIED = ("very_satisfied", "satisfied")

LABELS = {
    "punctuality": "Arrived within the booked window",
    "id_before_entry": "ID shown before entry",
    "overshoes_and_dust_sheets": "Overshoes and dust sheets used",
    "clean_up": "Cleaned up and left as found",
    "access_gained": "Access gained (the rest is the no-access rate)",
    "no_access_wait": "Waited long enough before recording no access",
    "calling_card": "Calling card left on no access",
    "planned_works_notice": "Planned works notice given in time",
    "concerns_acknowledged_on_time": "Concerns acknowledged by their due time",
    "concerns_resolved_on_time": "Concerns resolved by their due time",
    "appointments_kept": "Appointments kept (not missed by the contractor)",
    "tenant_satisfaction": "Tenant satisfied or very satisfied",
}
# Standards a contract may switch off: listed only when a contract in the report has them on.
_SWITCHED = {
    "id_before_entry": "id_before_entry",
    "overshoes_and_dust_sheets": "overshoes_and_dust_sheets",
    "clean_up": "clean_up",
    "calling_card": "calling_card_on_no_access",
}
_HAPPENED = (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED, VisitStatus.NO_ACCESS)
_KEPT_OR_MISSED = (*_HAPPENED, VisitStatus.MISSED)


@dataclass
class Tally:
    met: int = 0
    total: int = 0
    missed: list = field(default_factory=list)

    def add(self, met: bool, entry: "dict | standards.VisitFacts | None" = None) -> None:
        """Count a case; list it if missed: an entry, or a visit (listed by id and job reference)."""
        self.total += 1
        self.met += met
        if not met and entry is not None and len(self.missed) < MISSED_LISTED:
            self.missed.append(entry if isinstance(entry, dict) else _entry(entry))

    @property
    def achieved(self) -> float | None:
        return self.met / self.total if self.total else None


@dataclass
class Figure(Tally):
    key: str = ""
    label: str = ""
    target: float | None = None
    by_category: list | None = None
    compensation: dict | None = None

    @property
    def missed_count(self) -> int:
        return self.total - self.met

    @property
    def on_target(self) -> bool | None:
        if self.achieved is None or self.target is None:
            return None
        return self.achieved >= self.target


@dataclass
class Scope:
    """The contracts a report covers (their standards with every default filled in) and its visits."""

    contracts: dict[uuid.UUID, Contract]
    visits: sa.Select  # of Visit, no loader options: other queries build on it
    start: datetime
    end: datetime

    @cached_property
    def repair_of(self) -> standards.RepairLookup:
        """Each repair's missed appointments, loaded once for all its visits (and worked out once a repair)."""
        return cache(compensation.for_repairs(self.visits))


def scope(actor: User, filters: dict) -> Scope:
    """What a manager's report or export covers; 403 for other roles, 404 for a contract not theirs."""
    if not actor.is_manager:
        raise Forbidden("Reports and exports are for managers and admins.")
    query = visible(actor, Contract).order_by(Contract.reference)
    if filters.get("contract"):
        query = query.where(Contract.id == filters["contract"])
    contracts = {contract.id: contract for contract in db.session.scalars(query)}
    if filters.get("contract") and not contracts:
        raise NotFound(f"No contract with id {filters['contract']}.")
    for contract in contracts.values():
        # Rules added since a contract was stored (its report targets) read as their policy defaults.
        contract.rules = validated_standards(contract.standards)
    visits = sa.select(Visit).where(
        visit_filter(actor),
        Visit.contract_id.in_(contracts),
        Visit.window_start >= filters["from_"],
        Visit.window_start < filters["to"],
    )
    if filters.get("operative"):
        visits = visits.where(Visit.operative_id == filters["operative"])
    return Scope(contracts, visits, filters["from_"], filters["to"])


def _with_records(query: sa.Select, found: Scope) -> sa.Select:
    """`query` over the scope's visits, each with its report and no-access attempt joined in (if any)."""
    return (
        query.select_from(Visit)
        # Each is unique per visit, so the joins never repeat a visit.
        .outerjoin(VisitReport, VisitReport.visit_id == Visit.id)
        .outerjoin(NoAccessAttempt, NoAccessAttempt.visit_id == Visit.id)
        .where(found.visits.whereclause)
    )


def _facts_query(found: Scope, for_export: bool) -> sa.Select:
    """The columns the rules read, with the report's answers and the no-access attempt joined in: one query."""
    query = sa.select(
        Visit.id,
        Visit.contract_id,
        Visit.repair_reference,
        Visit.kind,
        Visit.status,
        Visit.window_start,
        Visit.window_end,
        Visit.planned_works_notice_on,
        Visit.arrived_at,
        Visit.id_shown_at,
        Visit.departed_at,
        VisitReport.answers,  # never null: null means no report
        NoAccessAttempt.attempted_at,  # never null: null means no attempt
        NoAccessAttempt.waited_minutes,
        NoAccessAttempt.required_wait_minutes,
        NoAccessAttempt.card_left,
        NoAccessAttempt.card_serial,
    )
    query = _with_records(query, found).order_by(Visit.window_start, Visit.id)
    if for_export:  # the figures need neither the home nor who went
        query = (
            query.add_columns(
                Property.house, Property.street, Property.town, Property.postcode, User.name.label("operative_name")
            )
            .join(Property, Property.id == Visit.property_id)
            .outerjoin(User, User.id == Visit.operative_id)
        )
    return query


def _facts(row: sa.Row, contracts: dict[uuid.UUID, Contract]) -> standards.VisitFacts:
    # Unpacked by position (in _facts_query's order): reading 17 columns by name, 50,000 times, shows.
    (id_, contract_id, reference, kind, status, start, end, notice_on, arrived, id_shown, departed) = row[:11]
    answers, *attempt = row[11:17]
    return standards.VisitFacts(
        id=id_,
        contract=contracts[contract_id],
        repair_reference=reference,
        kind=kind,
        status=status,
        window_start=start,
        window_end=end,
        planned_works_notice_on=notice_on,
        arrived_at=arrived,
        id_shown_at=id_shown,
        departed_at=departed,
        report=None if answers is None else standards.ReportFacts(answers),
        no_access=None if attempt[0] is None else standards.NoAccessFacts(*attempt),
    )


def visits_with_results(
    found: Scope, now: datetime, *, for_export: bool = False
) -> Iterator[tuple[standards.VisitFacts, list[standards.Result], sa.Row]]:
    """Each visit in the scope, by booked time, with its per-visit standards and its row; fetched in chunks.

    The visits are plain rows, not ORM objects: building tens of thousands of those (and their report and
    no-access relations) took seconds for a year. For an export the row also holds the home's address
    (house, street, town, postcode) and the operative's name (operative_name).
    """
    query = _facts_query(found, for_export).execution_options(yield_per=CHUNK)
    for row in db.session.execute(query):
        visit = _facts(row, found.contracts)
        yield visit, standards.for_visit(visit, now, repair_of=found.repair_of), row


def _entry(visit: standards.VisitFacts) -> dict:
    return {"id": visit.id, "repair_reference": visit.repair_reference}


def _common_target(found: Scope, key: str) -> float | None:
    targets = {contract.rules[f"{key}_target"] for contract in found.contracts.values()}
    return targets.pop() if len(targets) == 1 else None


@dataclass(slots=True)
class _ConcernFacts:
    """The columns of a concern its on-time rules (server.services.concerns) read, with no ORM object."""

    id: uuid.UUID
    visit_id: uuid.UUID
    category: ConcernCategory
    due_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None

    is_overdue = Concern.is_overdue  # the model's own rule, not a copy


def _concern_figures(found: Scope, now: datetime) -> tuple[Tally, Tally, dict]:
    acknowledged, resolved = Tally(), Tally()
    by_category = {category: (Tally(), Tally()) for category in ConcernCategory}
    query = (
        sa.select(
            Concern.id,
            Concern.visit_id,
            Concern.category,
            Concern.due_at,
            Concern.acknowledged_at,
            Concern.resolved_at,
            Visit.repair_reference,
        )
        .join(Visit, Visit.id == Concern.visit_id)
        .where(found.visits.whereclause)
        .order_by(Concern.raised_at, Concern.id)
        .execution_options(yield_per=CHUNK)
    )
    for *columns, reference in db.session.execute(query):
        concern = _ConcernFacts(*columns)
        entry = {"id": concern.visit_id, "repair_reference": reference, "concern_id": concern.id}
        for tally, category_tally, verdict in (
            (acknowledged, by_category[concern.category][0], concerns.acknowledged_on_time(concern, now)),
            (resolved, by_category[concern.category][1], concerns.resolved_on_time(concern, now)),
        ):
            if verdict is not None:
                tally.add(verdict, entry)
                category_tally.add(verdict)
    return acknowledged, resolved, by_category


def _by_category(by_category: dict, which: int) -> list[dict]:
    rows = []
    for category, tallies in by_category.items():
        tally = tallies[which]
        rows.append({"category": category.value, "met": tally.met, "total": tally.total, "achieved": tally.achieved})
    return rows


def visit_verdicts(found: Scope, now: datetime) -> sa.Select:
    """A row a visit in the scope: id, repair_reference, window_start, and a column a standard counted in SQL.

    Each standard's column is true (met), false (missed) or null (not judged): the contract's own rules
    (standards.sql_verdicts), then the report's access, appointments kept and tenant satisfaction.
    """
    alike: dict[str, list[Contract]] = {}
    for contract in found.contracts.values():  # contracts with the same rules share one expression
        alike.setdefault(json.dumps(contract.standards, sort_keys=True), []).append(contract)
    per_rules = [([c.id for c in same], standards.sql_verdicts(same[0].standards, now)) for same in alike.values()]
    columns = {}
    for key in per_rules[0][1] if per_rules else ():
        whens = [(Visit.contract_id.in_(ids), verdicts[key]) for ids, verdicts in per_rules]
        columns[key] = whens[0][1] if len(whens) == 1 else sa.case(*whens)
    satisfaction = VisitReport.answers["satisfaction"].as_string()  # null without an answer: so is IN
    columns |= {
        "access_gained": sa.case((Visit.status.in_(_HAPPENED), Visit.status != VisitStatus.NO_ACCESS)),
        "appointments_kept": sa.case((Visit.status.in_(_KEPT_OR_MISSED), Visit.status != VisitStatus.MISSED)),
        "tenant_satisfaction": satisfaction.in_(SATISFIED),
    }
    verdicts = (sa.type_coerce(verdict, sa.Boolean).label(key) for key, verdict in columns.items())
    return _with_records(sa.select(Visit.id, Visit.repair_reference, Visit.window_start, *verdicts), found)


def _count_in_sql(figures: dict[str, Figure], found: Scope, now: datetime) -> None:
    """Each standard's met and total over the scope's visits, and the first visits that missed it: one query.

    Its first row holds every standard's met and total; a row then for each visit listed, with which standard
    it missed. The visits' verdicts are worked out once: a common table expression read more than once is
    materialised.
    """
    verdicts = visit_verdicts(found, now).cte("verdicts")
    keys = [key for key in figures if key in verdicts.c]
    listed = (verdicts.c.id, verdicts.c.repair_reference, verdicts.c.window_start)
    counts = [
        count.label(f"{which}_{n}")
        for n, key in enumerate(keys)
        for which, count in (
            ("met", sa.func.count(sa.case((verdicts.c[key], 1)))),
            ("total", sa.func.count(verdicts.c[key])),
        )
    ]
    nothing = [sa.cast(sa.null(), sa.Integer).label(count.name) for count in counts]
    first_row = sa.select(
        sa.literal(-1).label("n"), *(sa.cast(sa.null(), column.type).label(column.name) for column in listed), *counts
    )
    firsts = [
        sa.select(sa.literal(n), *listed, *nothing)
        .where(sa.not_(verdicts.c[key]))
        .order_by(verdicts.c.window_start, verdicts.c.id)
        .limit(MISSED_LISTED)
        .subquery()
        for n, key in enumerate(keys)
    ]
    rows = sa.union_all(first_row, *(sa.select(first) for first in firsts)).subquery()
    ordered = sa.select(rows).order_by(rows.c.n, rows.c.window_start, rows.c.id)  # the counts first
    for n, visit_id, reference, _start, *counted in db.session.execute(ordered):
        if n < 0:
            for key, met, total in zip(keys, counted[::2], counted[1::2], strict=True):
                figures[key].met, figures[key].total = met, total
        else:
            figures[keys[n]].missed.append({"id": visit_id, "repair_reference": reference})


def _planned_works_notice(figure: Figure, found: Scope) -> None:
    query = _facts_query(found, for_export=False).where(Visit.kind == VisitKind.PLANNED_WORKS)
    for row in db.session.execute(query.execution_options(yield_per=CHUNK)):
        visit = _facts(row, found.contracts)
        result = standards.planned_works_notice(visit, visit.contract.standards)
        figure.add(result.met, visit)


def _compensation(found: Scope) -> dict:
    missed_visits = found.visits.where(Visit.status == VisitStatus.MISSED)
    pairs = db.session.execute(missed_visits.with_only_columns(Visit.contract_id, Visit.repair_reference).distinct())
    repair_of = compensation.for_repairs(missed_visits)
    repairs = [repair_of(found.contracts[contract_id], reference) for contract_id, reference in pairs]
    due = [repair for repair in repairs if repair.due]
    claims = [repair.claim for repair in due if repair.claim is not None]
    return {
        "repairs_due": len(due),
        "claims_recorded": len(claims),
        "amount_pence": sum(claim.payable_pence for claim in claims),
    }


def standards_report(actor: User, filters: dict, now: datetime) -> dict:
    """Each service standard over the visits booked in the range: target, share met, and who missed it."""
    found = scope(actor, filters)
    keys = [
        key for key in LABELS if key not in _SWITCHED or any(c.rules[_SWITCHED[key]] for c in found.contracts.values())
    ]
    figures = {key: Figure(key=key, label=LABELS[key], target=_common_target(found, key)) for key in keys}
    _count_in_sql(figures, found, now)
    _planned_works_notice(figures["planned_works_notice"], found)
    figures["appointments_kept"].compensation = _compensation(found)
    acknowledged, resolved, by_category = _concern_figures(found, now)
    for key, tally, which in (
        ("concerns_acknowledged_on_time", acknowledged, 0),
        ("concerns_resolved_on_time", resolved, 1),
    ):
        figure = figures[key]
        figure.met, figure.total, figure.missed = tally.met, tally.total, tally.missed
        figure.by_category = _by_category(by_category, which)
    return {"from_": found.start, "to": found.end, "contracts": list(found.contracts), "items": list(figures.values())}
