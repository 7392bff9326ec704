"""The pull feed (DESIGN §4): a snapshot of the caller's scope, then the change log in commit order.

A page is filled in one pass: first the snapshot (each entity's records in scope, keyset-paged by
id), then the log from the watermark taken when the snapshot began, so nothing committed while the
snapshot was being paged is missed (at worst it arrives twice, which an upsert of the current state
makes harmless). On PostgreSQL the log serves only rows whose transaction is older than every open
one (`txid < pg_snapshot_xmin(pg_current_snapshot())`), in (txid, id) order: a transaction that
commits late has a txid at or above the watermark of every pull that could not see it, so it is
served later, never skipped. SQLite has one writer, so its row id is commit order.

Each change carries the record's current state as the office API shows it, or a delete when the
record is gone or no longer in the caller's scope. Within one page a record appears once, at its
latest change.
"""

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from server.errors import DomainError
from server.extensions import db
from server.london_time import LONDON, london_date
from server.models import (
    OPEN_STATUSES,
    Badge,
    Change,
    ChecklistTemplate,
    Concern,
    Contract,
    Household,
    NoAccessAttempt,
    OrganisationKind,
    Property,
    Role,
    User,
    Visit,
    VisitReport,
)
from server.models.changes import Op
from server.schemas.badges import BadgeSchema, LiveSecretSchema
from server.schemas.checklists import ChecklistTemplateSchema, ReportSchema
from server.schemas.concerns import ConcernSchema
from server.schemas.contracts import ContractSchema
from server.schemas.visits import NoAccessSchema
from server.services import badges, concerns, properties
from server.services.access import contract_filter, is_platform_admin, property_filter, visit_filter
from sync import cursor as cursors
from sync import rows
from sync.cursor import Position
from sync.live_badge import STEP_SECONDS

log = logging.getLogger(__name__)

# Records every role may receive that carry no personal data.
_CONTRACT_ENTITIES = ("contract", "checklist_template")


@dataclass
class Page:
    changes: list[dict]
    cursor: str
    has_more: bool
    encoded: list[str]  # each change as JSON, as its size was counted

    def to_json(self) -> str:
        """The page as ChangesPageSchema and Flask's jsonify write it, from the changes already encoded."""
        cursor, more = _encode(self.cursor), _encode(self.has_more)
        return f'{{"changes":[{",".join(self.encoded)}],"cursor":{cursor},"has_more":{more}}}\n'


# Flask's JSON settings (sorted keys, ASCII, compact), so a page reads the same as through jsonify.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


# Scope: which records of each entity the caller holds ----------------------------------------------


def _visit_scope(actor: User, now: datetime):
    """An operative's own visits from SYNC_VISIT_DAYS_BACK back, any status; staff as the office API."""
    if actor.role == Role.OPERATIVE:
        horizon = now - timedelta(days=current_app.config["SYNC_VISIT_DAYS_BACK"])
        return sa.and_(Visit.operative_id == actor.id, Visit.window_end >= horizon)
    return visit_filter(actor)


def _of_visits(model):
    return lambda actor, now: model.visit_id.in_(sa.select(Visit.id).where(_visit_scope(actor, now)))


def _households(actor: User, now: datetime):
    return Household.property_id.in_(sa.select(Property.id).where(property_filter(actor)))


def _templates(actor: User, now: datetime):
    return ChecklistTemplate.contract_id.in_(sa.select(Contract.id).where(contract_filter(actor)))


def _badges(actor: User, now: datetime):
    """Your own badge; a contractor's staff their operatives' (the change log scopes badges to contractors)."""
    if actor.role == Role.OPERATIVE:
        return Badge.user_id == actor.id
    if actor.organisation_kind == OrganisationKind.CONTRACTOR and not is_platform_admin(actor):
        return Badge.user_id.in_(sa.select(User.id).where(User.organisation_id == actor.organisation_id))
    return sa.false()


# Data: what the office API's schema for each record returns ----------------------------------------


def _dump(schema):
    return lambda records, actor, now: schema(many=True).dump(records)


def _rows(dump_one):
    return lambda records, actor, now: [dump_one(r) for r in records]


def _dump_households(records: list, actor: User, now: datetime) -> list[dict]:
    """The household, with its doorstep password only for its operative on the visit day (logged)."""
    out = [rows.household_data(r) for r in records]
    released = _todays_visits(actor, [h.property_id for h in records], now) if records else {}
    for data, household in zip(out, records, strict=True):
        visit_id = released.get(household.property_id)
        data["doorstep_password"] = (
            properties.release_doorstep_password(visit_id, actor, now) if visit_id is not None else None
        )
    return out


def _todays_visits(actor: User, property_ids: list[uuid.UUID], now: datetime) -> dict[uuid.UUID, uuid.UUID]:
    """Property id -> the caller's open visit there today, for an operative."""
    if actor.role != Role.OPERATIVE:
        return {}
    # Bounded by the day rather than by the page's property ids: a page holds thousands, a day a few visits.
    today = london_date(now)
    start, end = (datetime.combine(day, time(), LONDON).astimezone(UTC) for day in (today, today + timedelta(days=1)))
    visits = db.session.execute(
        sa.select(Visit.property_id, Visit.id, Visit.window_start).where(
            Visit.operative_id == actor.id,
            Visit.status.in_(OPEN_STATUSES),
            Visit.window_start >= start,
            Visit.window_start < end,
        )
    )
    wanted = set(property_ids)
    return {v.property_id: v.id for v in visits if v.property_id in wanted and london_date(v.window_start) == today}


def _dump_concerns(records: list[Concern], actor: User, now: datetime) -> list[dict]:
    return ConcernSchema(many=True).dump(concerns.shown(records, actor, now, purpose="sync"))


def _dump_badges(records: list[Badge], actor: User, now: datetime) -> list[dict]:
    """The badge as the office sees it; its holder's tablet also gets the live secret it makes codes from."""
    out = BadgeSchema(many=True).dump([badges.with_status(b, now) for b in records])
    for data, badge in zip(out, records, strict=True):
        secret = None
        if badge.user_id == actor.id:
            secret = LiveSecretSchema().dump(
                {
                    "badge_id": badge.id,
                    "secret": badges.live_secret(badge.id, actor),
                    "step_seconds": STEP_SECONDS,
                    "server_time": now,
                }
            )
        data["live_secret"] = secret
    return out


@dataclass(frozen=True)
class Entity:
    name: str
    model: type
    scope: Callable  # (actor, now) -> a where clause on model
    dump: Callable  # (records, actor, now) -> their data, in order
    options: tuple = ()  # loader options: what the data needs, and nothing it does not
    # (where) -> a select of plain rows, which `dump` takes instead of ORM objects (sync/rows.py)
    rows: Callable | None = None

    def select(self, where) -> sa.Select:
        if self.rows is not None:
            return self.rows(where)
        return sa.select(self.model).where(where).options(*self.options)

    def fetch(self, query: sa.Select) -> list:
        if self.rows is not None:
            return list(db.session.execute(query))
        return list(db.session.scalars(query).unique())


# Snapshot order: what a record refers to comes before it.
ENTITIES = (
    Entity("contract", Contract, lambda actor, now: contract_filter(actor), _dump(ContractSchema)),
    Entity("checklist_template", ChecklistTemplate, _templates, _dump(ChecklistTemplateSchema)),
    Entity(
        "property",
        Property,
        lambda actor, now: property_filter(actor),
        _rows(rows.property_data),
        rows=rows.property_rows,
    ),
    Entity("household", Household, _households, _dump_households, rows=rows.household_rows),
    Entity("visit", Visit, _visit_scope, _rows(rows.visit_data), rows=rows.visit_rows),
    Entity("report", VisitReport, _of_visits(VisitReport), _dump(ReportSchema)),
    Entity("concern", Concern, _of_visits(Concern), _dump_concerns),
    Entity("no_access", NoAccessAttempt, _of_visits(NoAccessAttempt), _dump(NoAccessSchema)),
    Entity("badge", Badge, _badges, _dump_badges),
)
_BY_NAME = {e.name: e for e in ENTITIES}


def _load(entity: Entity, actor: User, now: datetime, ids) -> dict:
    """The records among `ids` in the caller's scope now, by id."""
    query = entity.select(sa.and_(entity.scope(actor, now), entity.model.id.in_(ids)))
    return {r.id: r for r in entity.fetch(query)}


def _upserts(entity: Entity, records: list, actor: User, now: datetime) -> list[dict]:
    data = entity.dump(records, actor, now)
    return [
        {"entity": entity.name, "id": str(r.id), "op": "upsert", "version": getattr(r, "version", 1), "data": d}
        for r, d in zip(records, data, strict=True)
    ]


def _delete(entity: str, record_id: uuid.UUID, version: int) -> dict:
    return {"entity": entity, "id": str(record_id), "op": "delete", "version": version, "data": None}


# The change log in commit order ----------------------------------------------------------------------


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _as_bigint(expression):
    return sa.cast(sa.cast(expression, sa.Text), sa.BigInteger)


def _watermark() -> tuple[int | None, int]:
    """Where the log continues after a snapshot taken from now on."""
    if _postgres():
        return db.session.scalar(sa.select(_as_bigint(sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot())))), 0
    return None, db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Change.id), 0)))


def _rows_for(actor: User):
    """The change rows addressed to the caller, of the entities the feed carries."""
    entity = Change.entity.in_(_BY_NAME)
    if is_platform_admin(actor):
        return Change.entity.in_(_CONTRACT_ENTITIES)
    if actor.role == Role.OPERATIVE:
        contracts = sa.and_(Change.entity.in_(_CONTRACT_ENTITIES), Change.contractor_id == actor.organisation_id)
        return sa.and_(entity, sa.or_(Change.operative_id == actor.id, contracts))
    if actor.organisation_kind == OrganisationKind.LANDLORD:
        return sa.and_(entity, Change.landlord_id == actor.organisation_id)
    return sa.and_(entity, Change.contractor_id == actor.organisation_id)


def _log_rows(actor: User, position: Position, n: int) -> list[Change]:
    query = sa.select(Change).where(_rows_for(actor))
    if _postgres():
        # Taken first, as constants: every transaction below xmin had ended before this statement, so the
        # next statement's snapshot sees all of them; and constants bound the index range on both ends.
        xmin, own = db.session.execute(
            sa.select(
                _as_bigint(sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot())),
                _as_bigint(sa.func.pg_current_xact_id_if_assigned()),
            )
        ).one()
        # A transaction sees its own writes; a pull writes no change rows, so in production `own` adds nothing.
        ended = Change.txid < xmin if own is None else sa.or_(Change.txid < xmin, Change.txid == own)
        query = query.where(sa.tuple_(Change.txid, Change.id) > sa.tuple_(position.txid, position.id), ended)
        query = query.order_by(Change.txid, Change.id)
    else:
        query = query.where(Change.id > position.id).order_by(Change.id)
    return list(db.session.scalars(query.limit(n)))


def _latest(rows: list[Change]) -> list[Change]:
    """Each record's last row among these, in log order."""
    latest = {(r.entity, r.entity_id): r for r in rows}
    return [r for r in rows if latest[r.entity, r.entity_id] is r]


def _log_changes(kept: list[Change], actor: User, now: datetime) -> list[tuple[Change, dict]]:
    """Each row with its record's current state (or a delete if the record is gone or left scope)."""
    found: dict[tuple, dict] = {}
    for entity in ENTITIES:
        ids = [r.entity_id for r in kept if r.entity == entity.name and r.op == Op.UPSERT]
        if ids:
            records = list(_load(entity, actor, now, ids).values())
            found |= {(entity.name, uuid.UUID(c["id"])): c for c in _upserts(entity, records, actor, now)}
    out = []
    for row in kept:
        change = found.get((row.entity, row.entity_id)) if row.op == Op.UPSERT else None
        if change is None:
            change = _delete(row.entity, row.entity_id, row.version)
        out.append((row, change))
    return out


# A page ----------------------------------------------------------------------------------------------


class _Budget:
    """Rows and bytes left in the page; the first change always fits."""

    def __init__(self, rows: int, size: int):
        self.rows, self.size, self.changes, self.encoded = rows, size, [], []
        self.used = 0

    @property
    def room(self) -> int:
        return self.rows - len(self.changes)

    def add(self, change: dict, force: bool = False) -> bool:
        text = _encode(change)
        size = len(text) + 1
        if not force and (self.room <= 0 or (self.changes and size > self.size)):
            return False
        self.size, self.used = self.size - size, self.used + size
        self.changes.append(change)
        self.encoded.append(text)
        return True

    def wanted(self) -> int:
        """How many records to read next: what the rows left allow, and about what the bytes left hold."""
        if not self.encoded:
            return min(self.room, _CHUNK)
        average = max(self.used // len(self.encoded), 1)
        return max(min(self.room, self.size // average + 1), 1)


_CHUNK = 200  # records read first, before the page's sizes tell how many more fit in its bytes


def _chunks(items: list):
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _snapshot(actor: User, position: Position, budget: _Budget, now: datetime) -> tuple[Position, bool]:
    """Page the snapshot from `position`: the position after what fitted, and whether anything is left."""
    index, key = position.entity, position.key
    while index < len(ENTITIES):
        if budget.room <= 0:
            return position.moved(entity=index, key=key), True
        entity = ENTITIES[index]
        where = entity.scope(actor, now)
        if key is not None:
            where = sa.and_(where, entity.model.id > uuid.UUID(key))
        wanted = budget.wanted()
        records = entity.fetch(entity.select(where).order_by(entity.model.id).limit(wanted + 1))
        for change in _upserts(entity, records[:wanted], actor, now):
            if not budget.add(change):
                return position.moved(entity=index, key=key), True
            key = change["id"]
        if len(records) <= wanted:
            index, key = index + 1, None
    return position.moved(entity=None, key=None), False


def _new_day(actor: User, position: Position, budget: _Budget, now: datetime) -> Position:
    """On an operative's first pull of a day, resend the households of that day's and the last pull's day's visits.

    The doorstep password is released only on the visit day: this brings today's and takes back the last's
    (a household no longer in scope is deleted).
    """
    today = london_date(now)
    if position.day == today.isoformat():
        return position
    if actor.role == Role.OPERATIVE:
        last = date.fromisoformat(position.day)
        earliest = datetime.combine(min(last, today) - timedelta(days=1), time(), UTC)
        visits = db.session.scalars(
            sa.select(Visit).where(Visit.operative_id == actor.id, Visit.window_start >= earliest)
        )
        homes = {v.property_id for v in visits if london_date(v.window_start) in (today, last)}
        if homes:
            entity = _BY_NAME["household"]
            held = list(db.session.scalars(sa.select(Household).where(Household.property_id.in_(homes))))
            scoped = _load(entity, actor, now, [h.id for h in held])
            for change in _upserts(entity, list(scoped.values()), actor, now):
                budget.add(change, force=True)
            for household in held:
                if household.id not in scoped:
                    budget.add(_delete("household", household.id, household.version), force=True)
    return position.moved(day=today.isoformat())


def _log(actor: User, position: Position, budget: _Budget, now: datetime) -> tuple[Position, bool]:
    if budget.room <= 0:
        return position, True
    rows = _log_rows(actor, position, budget.room + 1)
    more = len(rows) > budget.room
    for chunk in _chunks(_latest(rows[: budget.room])):
        for row, change in _log_changes(chunk, actor, now):
            if not budget.add(change):
                return position, True
            position = position.moved(txid=row.txid, id=row.id)
    return position, more


def _start(actor: User, now: datetime) -> Position:
    txid, row_id = _watermark()
    return Position(
        user=str(actor.id),
        issued=int(now.timestamp()),
        day=london_date(now).isoformat(),
        txid=txid,
        id=row_id,
        entity=0,
    )


def _resume(actor: User, text: str, now: datetime) -> Position:
    position = cursors.decode(text)
    if position.user != str(actor.id):
        raise DomainError("invalid_cursor", "This cursor was issued to another account; start again without one.")
    horizon = now - timedelta(days=current_app.config["SYNC_TOMBSTONE_DAYS"])
    if datetime.fromtimestamp(position.issued, now.tzinfo) < horizon:
        raise DomainError(
            "resync_required",
            f"The cursor is older than {current_app.config['SYNC_TOMBSTONE_DAYS']} days, beyond the deletes kept; "
            "pull again without a cursor and replace the local copy.",
        )
    return position


def pull(actor: User, cursor: str | None, limit: int, now: datetime) -> Page:
    """The next page of the caller's feed: the snapshot without a cursor, then what changed since."""
    position = _resume(actor, cursor, now) if cursor else _start(actor, now)
    if _postgres():
        # psycopg prepares a statement run 5 times; PostgreSQL's generic plan for it then guesses one row in
        # scope and sorts every household and property in scope for each page (20x slower). Plan each page.
        db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    budget = _Budget(limit, current_app.config["SYNC_PAGE_BYTES"])
    more = False
    if position.in_snapshot:
        position, more = _snapshot(actor, position, budget, now)
    if not position.in_snapshot:
        position = _new_day(actor, position, budget, now)
        position, more = _log(actor, position, budget, now)
    _warn_if_lagging()
    return Page(budget.changes, cursors.encode(position.moved(issued=int(now.timestamp()))), more, budget.encoded)


# Lag: how long the oldest open transaction has held the watermark back -----------------------------


def lag_seconds() -> float:
    """Age of the oldest open transaction that holds back the feed's watermark; 0 on SQLite or when none."""
    if not _postgres():
        return 0.0
    age = db.session.scalar(
        sa.text(
            "SELECT extract(epoch FROM clock_timestamp() - min(xact_start)) FROM pg_stat_activity "
            "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
    )
    return max(float(age or 0), 0.0)


def _warn_if_lagging() -> None:
    lag = lag_seconds()
    if lag > current_app.config["SYNC_LAG_WARN_SECONDS"]:
        log.warning("sync feed held back %.1f s by an open transaction", lag, extra={"sync_lag_seconds": lag})
