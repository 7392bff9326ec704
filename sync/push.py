"""Idempotent apply of what a device recorded offline: each mutation in its own unit of work with its result.

A mutation's result row (SyncMutation) is inserted first, before the mutation is applied, and committed
with its effects. Its primary key is the device's mutation id, so a retry finds the stored answer, and a
concurrent retry of the same mutation waits on that key and then answers `duplicate`: nothing twice.
Docs: docs/sync-protocol.md, "Push".
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from marshmallow import Schema, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from server import unit_of_work
from server.errors import CODES, DomainError
from server.extensions import db
from server.models import User, Visit
from server.models.sync_mutations import MutationStatus, SyncMutation
from server.schemas.checklists import ReportCreateSchema, ReportSchema
from server.schemas.concerns import ConcernSchema
from server.schemas.sync_push import ConcernRaiseSchema, MutationSchema
from server.schemas.visits import (
    FieldEventSchema,
    NoAccessCreateSchema,
    NoAccessSchema,
    RunningLateSchema,
    VisitSchema,
)
from server.services import concerns, visits
from server.services.access import get_visible, visit_filter

DUPLICATE = "duplicate"  # not stored: the answer to a mutation whose result already is


@dataclass(frozen=True)
class Op:
    """How one (entity, op) is applied: the HTTP route's body schema, its service, the schema of what it returns."""

    data: Schema  # the route's body, less recorded_at: the mutation's device_time carries it
    apply: Callable  # (id, data, actor, now, device_time) -> the record created or changed
    record: Schema
    # A visit op checks base_version against the visit; a report does not (the field wins, see the docs).
    checks_version: bool = True


_NO_TIME = ("recorded_at",)


def _arrive(visit_id, data: dict, actor: User, now: datetime, device_time: datetime) -> Visit:
    try:
        return visits.arrive(visit_id, actor, now=now, recorded_at=device_time)
    except DomainError as exc:
        visit = db.session.get(Visit, visit_id)  # loaded, and found assigned to the actor, before the refusal
        if exc.code == "invalid_transition" and visit.arrived_at is not None:
            return visit  # a late repeat of an arrival the visit has gone on past (reported since): no change
        raise


OPS = {
    ("visit", "arrive"): Op(FieldEventSchema(exclude=_NO_TIME), _arrive, VisitSchema()),
    ("visit", "id_shown"): Op(
        FieldEventSchema(exclude=_NO_TIME),
        lambda id, data, actor, now, at: visits.show_id(id, actor, now=now, recorded_at=at),
        VisitSchema(),
    ),
    ("visit", "running_late"): Op(
        RunningLateSchema(),  # the device_time is kept with the mutation; the server's clock judges expected_at
        lambda id, data, actor, now, at: visits.mark_running_late(id, data["expected_at"], actor, now=now),
        VisitSchema(),
    ),
    ("visit", "report"): Op(
        ReportCreateSchema(exclude=_NO_TIME),
        lambda id, data, actor, now, at: visits.complete(
            id, data["answers"], actor, now=now, recorded_at=at, offline=True
        )[0],
        ReportSchema(),
        checks_version=False,
    ),
    ("visit", "no_access"): Op(
        NoAccessCreateSchema(exclude=_NO_TIME),
        lambda id, data, actor, now, at: visits.record_no_access(id, {**data, "recorded_at": at}, actor, now=now)[0],
        NoAccessSchema(),
    ),
    ("concern", "raise"): Op(
        ConcernRaiseSchema(),
        lambda id, data, actor, now, at: concerns.raise_concern(
            data["visit_id"], {**data, "id": id}, actor, now, offline=True
        )[0],
        ConcernSchema(),
        checks_version=False,  # a new record: raising one never conflicts with other writes to the visit
    ),
}


class _Stale(Exception):
    """The record changed since the device's base version, by someone other than this device's own pushes."""

    def __init__(self, record: dict, version: int):
        super().__init__("stale base_version")
        self.record, self.version = record, version


def push(device_id: str, mutations: list[dict], actor: User, now: datetime) -> list[dict]:
    """Apply a device's batch in its order, each mutation once; answer a result per mutation, in the same order."""
    ids = [mutation["mutation_id"] for mutation in mutations]
    stored = db.session.scalars(sa.select(SyncMutation).where(SyncMutation.mutation_id.in_(ids)))
    known = {row.mutation_id: _stored_answer(row, actor) for row in stored}  # a retried batch: one query
    results, seen = [], set()
    # The batch is one request, authenticated once: the actor as loaded then, not read again after every commit.
    loaded = _loaded(actor, actor.organisation)
    for mutation in mutations:
        mutation_id = mutation["mutation_id"]
        if mutation_id in known:
            results.append(known[mutation_id])
        elif mutation_id in seen:  # twice in this batch: answered from what the first one stored
            results.append(_stored_answer(db.session.get(SyncMutation, mutation_id), actor))
        else:
            results.append(_push_one(device_id, mutation, actor, now))
            _restore(loaded)
        seen.add(mutation_id)
    return results


def _loaded(*records) -> list[tuple[object, dict]]:
    """Each record with the attributes it has loaded, to give back after a commit expires them."""
    out = []
    for record in records:
        if record is not None:
            keys = [attr.key for attr in sa.inspect(record).mapper.attrs if attr.key in record.__dict__]
            out.append((record, {key: record.__dict__[key] for key in keys}))
    return out


def _restore(loaded: list[tuple[object, dict]]) -> None:
    for record, values in loaded:
        for key, value in values.items():
            set_committed_value(record, key, value)


def _result(mutation_id, status, version=None, record=None, error=None) -> dict:
    return {"mutation_id": mutation_id, "status": status, "version": version, "record": record, "error": error}


def _error(code: str, detail: str | None = None, errors: dict | None = None) -> dict:
    error = {"code": code, "detail": detail or CODES[code][1]}
    if errors:
        error["errors"] = errors
    return error


def _stored_answer(stored: SyncMutation, actor: User) -> dict:
    """The answer to a mutation already stored: its first result as a duplicate, never another user's."""
    if stored.user_id != actor.id:
        # A mutation id is the device's random UUID: reuse by someone else is a broken client, told nothing more.
        error = _error("already_exists", "This mutation_id is already used.")
        return _result(stored.mutation_id, "rejected", error=error)
    return _result(stored.mutation_id, DUPLICATE, **stored.result)


def _push_one(device_id: str, raw: dict, actor: User, now: datetime) -> dict:
    mutation_id = raw["mutation_id"]
    try:
        with unit_of_work.unit():
            # Set to the outcome below, in this same transaction: nobody ever reads these first values.
            claim = SyncMutation(
                mutation_id=mutation_id,
                user_id=actor.id,
                device_id=device_id,
                status=MutationStatus.REJECTED,
                result={},
            )
            db.session.add(claim)
            db.session.flush()  # a concurrent push of this mutation waits here, then fails on the primary key
            status, outcome, facts = _outcome(raw, actor, now)
            for name, value in facts.items():
                setattr(claim, name, value)
            claim.status, claim.result = status, outcome
    except IntegrityError:
        stored = db.session.get(SyncMutation, mutation_id)  # the concurrent push committed first: its result stands
        if stored is None:
            raise
        return _stored_answer(stored, actor)
    return _result(mutation_id, status.value, **outcome)


def _outcome(raw: dict, actor: User, now: datetime) -> tuple[MutationStatus, dict, dict]:
    """Apply the mutation in a savepoint, so that a refusal rolls back its writes and keeps the claim.

    Returns the status, the result to store, and what the claim records about the mutation.
    """
    try:
        mutation = MutationSchema().load(raw)
    except ValidationError as exc:
        return *_rejected("validation_failed", "The mutation is malformed.", exc.messages), {}
    facts = {name: mutation[name] for name in ("entity", "op", "device_time")} | {"target_id": mutation["id"]}
    op = OPS.get((mutation["entity"], mutation["op"]))
    if op is None:
        detail = f"No op {mutation['op']!r} on {mutation['entity']!r}; see docs/sync-protocol.md."
        return *_rejected("validation_failed", detail), facts
    try:
        with db.session.begin_nested():
            record = _apply(op, mutation, actor, now)
            dumped = op.record.dump(record)
    except ValidationError as exc:
        return *_rejected("validation_failed", "Some fields are not valid.", exc.messages), facts
    except _Stale as stale:
        detail = f"The visit changed since version {mutation['base_version']}; the server's copy is in record."
        conflict = {"version": stale.version, "record": stale.record, "error": _error("conflict", detail)}
        return MutationStatus.CONFLICT, conflict, facts
    except DomainError as exc:
        return *_rejected(exc.code, exc.detail, exc.errors, **exc.extra), facts
    except IntegrityError:
        # Another mutation made a record with the same id or for the same visit at the same moment.
        return *_rejected("already_exists", "A record with this id already exists."), facts
    if mutation["entity"] == "visit":
        facts["target_version"] = db.session.get(Visit, mutation["id"]).version
    version = getattr(record, "version", 1)  # a no-access attempt is never changed: always its first version
    return MutationStatus.APPLIED, {"version": version, "record": dumped, "error": None}, facts


def _rejected(code: str, detail: str | None = None, errors: dict | None = None, **extra):
    return MutationStatus.REJECTED, {"version": None, "record": None, "error": _error(code, detail, errors) | extra}


def _apply(op: Op, mutation: dict, actor: User, now: datetime):
    data = op.data.load(mutation["data"])
    if data.get("id") is not None and data["id"] != mutation["id"]:
        raise ValidationError({"id": ["Not the mutation's id; a record made on the device carries one id."]})
    if op.checks_version and mutation["base_version"] is not None:
        _check_base_version(mutation, actor)
    return op.apply(mutation["id"], data, actor, now, mutation["device_time"])


def _check_base_version(mutation: dict, actor: User) -> None:
    """Raise _Stale if the visit moved past base_version other than by this user's own applied pushes."""
    # Its version alone, as the caller may see it: the op's service loads the whole visit next.
    version = db.session.scalar(sa.select(Visit.version).where(visit_filter(actor), Visit.id == mutation["id"]))
    if version is None:
        get_visible(actor, Visit, mutation["id"])  # another's visit is not_found, never its copy
    base = mutation["base_version"]
    if base == version:
        return
    own = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(SyncMutation.target_version))).where(
            SyncMutation.target_id == mutation["id"],
            SyncMutation.user_id == actor.id,
            SyncMutation.status == MutationStatus.APPLIED,
            SyncMutation.target_version > base,
            SyncMutation.target_version <= version,
        )
    )
    # A queue of arrive, id_shown, report all based on the version last pulled is not in conflict with itself.
    if base > version or own != version - base:
        visit = get_visible(actor, Visit, mutation["id"])
        raise _Stale(VisitSchema().dump(visit), visit.version)
