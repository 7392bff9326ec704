"""Which of its contract's service standards a visit met, worked out from the records when read.

The rules read a Visit (the visit page) or a VisitFacts (the export, loaded as plain rows in bulk): the
same attribute names, so both run this very code. The standards report counts a year of visits in SQL
instead: `sql_verdicts` gives the verdict of each plain-column rule as a SQL expression, each written
beside its rule, and tests/test_standards.py proves the two agree, visit by visit, on both databases.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from server.london_time import LONDON, london_date
from server.models import Contract, NoAccessAttempt, Visit, VisitKind, VisitReport, VisitStatus
from server.models.base import UTCDateTime
from server.services import compensation
from server.services.deadlines import working_days_between

RepairLookup = Callable[[Contract, str], compensation.RepairCompensation]


@dataclass(slots=True)
class Result:
    key: str
    met: bool | None  # None: not known yet (the visit has not happened)
    # The reason, or how to word it when asked: a year's report reads none of its 100,000 reasons.
    worded: str | Callable[[], str]

    @property
    def reason(self) -> str:
        return self.worded if isinstance(self.worded, str) else self.worded()


@dataclass(slots=True)
class ReportFacts:
    """The checklist answers of a visit's report, as the rules read them."""

    answers: dict


@dataclass(slots=True)
class NoAccessFacts:
    """A visit's no-access attempt, as the rules read it."""

    attempted_at: datetime
    waited_minutes: int
    required_wait_minutes: int
    card_left: bool
    card_serial: str

    waited_long_enough = NoAccessAttempt.waited_long_enough  # the model's own rule, not a copy


@dataclass(slots=True)
class VisitFacts:
    """The columns of a visit the rules (and the report and export around them) read, with no ORM object."""

    id: uuid.UUID
    contract: Contract
    repair_reference: str
    kind: VisitKind
    status: VisitStatus
    window_start: datetime
    window_end: datetime
    planned_works_notice_on: date | None
    arrived_at: datetime | None
    id_shown_at: datetime | None
    departed_at: datetime | None
    report: ReportFacts | None
    no_access: NoAccessFacts | None

    @property
    def contract_id(self) -> uuid.UUID:
        return self.contract.id


VisitLike = Visit | VisitFacts
Verdict = sa.ColumnElement[bool]  # true (met), false (missed), null (not judged: the rule gives no result or None)


class _Shifted(FunctionElement):
    """A timestamp column moved by whole minutes, exactly (to the microsecond) on both databases."""

    type = UTCDateTime()
    inherit_cache = True
    name = "shifted"


@compiles(_Shifted)
def _shifted(element, compiler, **kw):
    moment, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({moment} + {minutes} * interval '1 minute')"


@compiles(_Shifted, "sqlite")
def _shifted_on_sqlite(element, compiler, **kw):
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': move the whole seconds, and keep the fraction as it was.
    moment, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(strftime('%Y-%m-%d %H:%M:%S', substr({moment}, 1, 19), {minutes} || ' minutes') || substr({moment}, 20))"


class _AnswerKind(FunctionElement):
    """A report answer as 'true', 'false' or 'null' (JSON's own), something else for any other, null if not given.

    One JSON lookup a row: PostgreSQL parses the whole `json` text again at each one.
    """

    type = sa.String()
    inherit_cache = True
    name = "answer_kind"


@compiles(_AnswerKind)
def _answer_kind(element, compiler, **kw):
    answers, item = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST({answers} -> {item} AS TEXT)"  # the answer's JSON text: a string keeps its quotes


@compiles(_AnswerKind, "sqlite")
def _answer_kind_on_sqlite(element, compiler, **kw):
    answers, item = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"json_type({answers}, '$.\"' || {item} || '\"')"


def _clock(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M")


def _punctuality(visit: VisitLike, rules: dict, now: datetime) -> Result | None:
    slack = timedelta(minutes=rules["punctuality_minutes"])

    def window() -> str:
        return f"{_clock(visit.window_start)} to {_clock(visit.window_end)} (±{rules['punctuality_minutes']} min)"

    arrival = visit.arrived_at or (visit.no_access.attempted_at if visit.no_access else None)
    if visit.status == VisitStatus.MISSED:
        return Result("punctuality", False, "The contractor did not turn up.")
    if arrival is None:
        if visit.status == VisitStatus.SCHEDULED and now > visit.window_end + slack:
            return Result("punctuality", False, lambda: f"Nobody has arrived; the window {window()} has passed.")
        return None if visit.status == VisitStatus.CANCELLED else Result("punctuality", None, "Not arrived yet.")
    on_time = visit.window_start - slack <= arrival <= visit.window_end + slack
    verdict = "within" if on_time else ("before" if arrival < visit.window_start else "after")
    return Result("punctuality", on_time, lambda: f"Arrived {_clock(arrival)}, {verdict} the booked window {window()}.")


def _punctuality_sql(rules: dict, now: datetime) -> Verdict:
    minutes = rules["punctuality_minutes"]
    arrival = sa.func.coalesce(Visit.arrived_at, NoAccessAttempt.attempted_at)
    window_passed = sa.and_(Visit.status == VisitStatus.SCHEDULED, Visit.window_end < now - timedelta(minutes=minutes))
    return sa.case(
        (Visit.status == VisitStatus.MISSED, sa.false()),
        (arrival.is_(None), sa.case((window_passed, sa.false()), else_=sa.null())),
        else_=sa.and_(
            _Shifted(Visit.window_start, -minutes) <= arrival, arrival <= _Shifted(Visit.window_end, minutes)
        ),
    )


def _id_before_entry(visit: VisitLike) -> Result | None:
    if visit.status not in (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED):
        return None
    if visit.id_shown_at is None:
        met = None if visit.status == VisitStatus.IN_PROGRESS else False
        return Result("id_before_entry", met, "No record of the ID card being shown.")
    return Result("id_before_entry", True, lambda: f"ID shown at {_clock(visit.id_shown_at)}.")


def _id_before_entry_sql() -> Verdict:
    return sa.case(
        (Visit.status.not_in((VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)), sa.null()),
        (Visit.id_shown_at.is_not(None), sa.true()),
        (Visit.status == VisitStatus.IN_PROGRESS, sa.null()),
        else_=sa.false(),
    )


# The standards read from the report's checklist: the item each reads, and how its answer is worded.
_REPORT_ITEMS = {
    "overshoes_and_dust_sheets": ("overshoes_and_dust_sheets", "overshoes and dust sheets were used"),
    "clean_up": ("cleaned_up", "the home was cleaned up and left as found"),
}


def _from_report(visit: VisitLike, standard: str, item: str, wording: str) -> Result | None:
    answer = visit.report.answers.get(item) if visit.report else None
    if answer is None:
        return None
    return Result(standard, answer is True, lambda: f"The report says {wording}: {'yes' if answer else 'no'}.")


def _from_report_sql(item: str) -> Verdict:
    # Null without a report, without the answer or with a null one; then true only for JSON's true.
    return sa.func.nullif(_AnswerKind(VisitReport.answers, item), "null") == "true"


# No SQL twin: working days count the landlord's bank holidays, which only Python knows.
def planned_works_notice(visit: VisitLike, rules: dict) -> Result | None:
    if visit.kind != VisitKind.PLANNED_WORKS:
        return None
    needed = rules["planned_works_notice_working_days"]
    if visit.planned_works_notice_on is None:
        return Result("planned_works_notice", False, "No written notice of the planned works is recorded.")
    region = visit.contract.landlord.region
    given = working_days_between(visit.planned_works_notice_on, london_date(visit.window_start), region)
    return Result(
        "planned_works_notice",
        given >= needed,
        lambda: f"Notice given {visit.planned_works_notice_on:%d %b %Y}, {given} working days ahead ({needed} needed).",
    )


def _no_access(visit: VisitLike, rules: dict) -> list[Result]:
    attempt = visit.no_access
    if attempt is None:
        return []
    results = [
        Result(
            "no_access_wait",
            attempt.waited_long_enough,
            lambda: f"Waited {attempt.waited_minutes} min at the door ({attempt.required_wait_minutes} min expected).",
        )
    ]
    if rules["calling_card_on_no_access"]:
        said = (
            (lambda: f"Calling card {attempt.card_serial} left.") if attempt.card_left else "No calling card was left."
        )
        results.append(Result("calling_card", attempt.card_left, said))
    return results


def _no_access_sql(rules: dict) -> dict[str, Verdict]:
    no_attempt = NoAccessAttempt.id.is_(None)
    waited_long_enough = NoAccessAttempt.waited_minutes >= NoAccessAttempt.required_wait_minutes  # as the model's
    return {
        "no_access_wait": sa.case((no_attempt, sa.null()), else_=waited_long_enough),
        "calling_card": sa.case((no_attempt, sa.null()), else_=NoAccessAttempt.card_left)
        if rules["calling_card_on_no_access"]
        else sa.null(),
    }


def _missed_appointments(visit: VisitLike, repair_of: RepairLookup) -> Result | None:
    repair = repair_of(visit.contract, visit.repair_reference)
    if repair.missed == 0:
        return None

    def reason() -> str:
        said = f"{repair.missed} appointment(s) for repair {visit.repair_reference} missed by the contractor"
        if not repair.due:
            return said + "."
        cap = f"£{repair.daily_cap_pence / 100:.2f}"
        return said + f"; more than {repair.allowed}, so the tenant's lost earnings are due, up to {cap} a day."

    return Result("missed_appointments", not repair.due, reason)


def for_visit(visit: VisitLike, now: datetime, repair_of: RepairLookup = compensation.for_repair) -> list[Result]:
    """Each standard that applies to this visit: met, missed (with the reason), or not known yet.

    `repair_of`: where the repair's missed appointments come from; a report over many visits passes
    one loaded in bulk (compensation.for_repairs) instead of two queries per visit.
    """
    rules = visit.contract.standards
    candidates = [_punctuality(visit, rules, now)]
    if rules["id_before_entry"]:
        candidates.append(_id_before_entry(visit))
    for standard, (item, wording) in _REPORT_ITEMS.items():
        if rules[standard]:
            candidates.append(_from_report(visit, standard, item, wording))
    candidates += [
        planned_works_notice(visit, rules),
        *_no_access(visit, rules),
        _missed_appointments(visit, repair_of),
    ]
    return [result for result in candidates if result is not None]


def sql_verdicts(rules: dict, now: datetime) -> dict[str, Verdict]:
    """for_visit's verdicts as SQL, for a visit outer-joined with its report and its no-access attempt.

    A key's verdict is true or false where for_visit's result says met or missed, null where it gives
    none or does not know yet. Only the rules that read plain columns: the planned works notice and the
    missed appointments are worked out in Python.
    """
    return {
        "punctuality": _punctuality_sql(rules, now),
        "id_before_entry": _id_before_entry_sql() if rules["id_before_entry"] else sa.null(),
        **{
            standard: _from_report_sql(item) if rules[standard] else sa.null()
            for standard, (item, _wording) in _REPORT_ITEMS.items()
        },
        **_no_access_sql(rules),
    }
