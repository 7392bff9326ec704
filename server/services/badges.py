"""Operatives' badges: issue and manage them, and answer a tenant's "is this person genuine?".

Time-based states (expired) are worked out when read. Every verification is logged without the
caller's address; a scan of a revoked or suspended badge, or a burst of scans, alerts the
contractor's managers.
"""

import functools
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

import sync
from server import encryption, file_store, images
from server.errors import DomainError, Forbidden, NotFound
from server.extensions import db
from server.london_time import london_date
from server.models import (
    Badge,
    BadgeAlert,
    BadgeKey,
    BadgeScan,
    BadgeStatus,
    Contract,
    Organisation,
    Property,
    Role,
    User,
    Verdict,
    Visit,
    VisitStatus,
)
from server.models.base import utcnow
from server.services import alerts, badge_keys
from server.services.access import get_visible, is_platform_admin
from server.services.pages import Page, paginate
from sync.live_badge import live_code, match_number, step_at

MAX_VALIDITY = timedelta(days=365)
# No 0/O, 1/I/L, so a code read aloud over the phone or typed from print comes out right.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_LENGTH = 9  # random characters; a check character follows
LIVE_ACCEPT_STEPS = 3  # the current step and the two before it: at most 90 seconds old
BURST_SCANS, BURST_WINDOW = 20, timedelta(minutes=10)
ALERT_REPEAT_AFTER = timedelta(hours=1)


# Short codes ---------------------------------------------------------------------------------------


def _check_character(body: str) -> str:
    # Position-weighted sum modulo a prime-sized alphabet: catches any one wrong or swapped pair.
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_short_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(_CODE_LENGTH))
    return body + _check_character(body)


def normalise_short_code(text: str) -> str | None:
    """The canonical code if `text` is one (spaces, dashes and case ignored), else None."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != _CODE_LENGTH + 1 or any(ch not in ALPHABET for ch in code):
        return None
    return code if _check_character(code[:-1]) == code[-1] else None


def display_short_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


# Managing badges -----------------------------------------------------------------------------------


def _require_contractor_admin(actor: User, operative: User) -> None:
    if actor.role != Role.ADMIN or actor.organisation_id != operative.organisation_id:
        raise Forbidden("Badges are issued and managed by the contractor's admins.")


def verify_url(badge: Badge) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/v/{badge.token}"


def issue(user_id: uuid.UUID, expires_at: datetime | None, actor: User, now: datetime) -> Badge:
    """Issue a badge to an operative, valid for up to 12 months (12 by default)."""
    operative = get_visible(actor, User, user_id)
    _require_contractor_admin(actor, operative)
    if operative.role != Role.OPERATIVE or not operative.active:
        raise DomainError("validation_failed", errors={"user_id": ["Badges are for active operatives."]})
    expires_at = expires_at or now + MAX_VALIDITY
    if not now < expires_at <= now + MAX_VALIDITY:
        raise DomainError("validation_failed", errors={"expires_at": ["Choose a time within the next 12 months."]})
    key = badge_keys.signing_key(now)
    badge = Badge(
        id=uuid.uuid4(),
        user_id=operative.id,
        kid=key.kid,
        issued_at=now,
        expires_at=expires_at.replace(microsecond=0),
        short_code=new_short_code(),
        live_secret_encrypted=encryption.encrypt(secrets.token_urlsafe(32)),
    )
    badge.token = badge_keys.sign(key, badge.id, badge.expires_at)
    db.session.add(badge)
    db.session.flush()
    sync.badge_changed(badge)
    return with_status(badge, now)


def _managed(badge_id: uuid.UUID, actor: User) -> Badge:
    badge = get_badge(badge_id, actor)
    _require_contractor_admin(actor, badge.user)
    return badge


def _changed(badge: Badge) -> None:
    badge.bump()
    sync.badge_changed(badge)


def _set_status(badge: Badge, status: BadgeStatus, reason: str | None, now: datetime) -> Badge:
    badge.status, badge.status_reason, badge.status_changed_at = status, reason, now
    _changed(badge)
    return with_status(badge, now)


def suspend(badge_id: uuid.UUID, reason: str | None, actor: User, now: datetime) -> Badge:
    badge = _managed(badge_id, actor)
    if badge.status == BadgeStatus.REVOKED:
        raise DomainError("invalid_transition", "A revoked badge stays revoked; issue a new one.")
    return badge if badge.status == BadgeStatus.SUSPENDED else _set_status(badge, BadgeStatus.SUSPENDED, reason, now)


def reinstate(badge_id: uuid.UUID, actor: User, now: datetime) -> Badge:
    badge = _managed(badge_id, actor)
    if badge.status == BadgeStatus.REVOKED:
        raise DomainError("invalid_transition", "A revoked badge stays revoked; issue a new one.")
    return badge if badge.status == BadgeStatus.ACTIVE else _set_status(badge, BadgeStatus.ACTIVE, None, now)


def revoke(badge_id: uuid.UUID, reason: str, actor: User, now: datetime) -> Badge:
    badge = _managed(badge_id, actor)
    return badge if badge.status == BadgeStatus.REVOKED else _set_status(badge, BadgeStatus.REVOKED, reason, now)


def set_photo(badge_id: uuid.UUID, data: bytes, actor: User, now: datetime) -> Badge:
    """Put the holder's photo on the badge: cropped to a portrait, small, stripped of metadata."""
    badge = _managed(badge_id, actor)
    if badge.status == BadgeStatus.REVOKED:
        raise DomainError("invalid_transition", "A revoked badge stays revoked; issue a new one.")
    badge.photo_sha256 = file_store.put(images.badge_photo(images.decode(data)))
    _changed(badge)
    return with_status(badge, now)


def remove_photo(badge_id: uuid.UUID, actor: User, now: datetime) -> Badge:
    badge = _managed(badge_id, actor)
    if badge.photo_sha256 is not None:
        badge.photo_sha256 = None
        _changed(badge)
    return with_status(badge, now)


def _visible(actor: User) -> sa.Select:
    """Badges of the actor's own operatives, and (office staff) of the contractors on their contracts."""
    query = sa.select(Badge).join(User, User.id == Badge.user_id)
    if is_platform_admin(actor):
        return query.where(sa.false())
    if actor.role == Role.OPERATIVE:
        return query.where(Badge.user_id == actor.id)
    partners = sa.select(Contract.contractor_id).where(Contract.landlord_id == actor.organisation_id)
    return query.where(sa.or_(User.organisation_id == actor.organisation_id, User.organisation_id.in_(partners)))


def get_badge(badge_id: uuid.UUID, actor: User) -> Badge:
    badge = db.session.scalar(_visible(actor).where(Badge.id == badge_id))
    if badge is None:
        raise NotFound(f"No badge with id {badge_id}.")
    return with_status(badge, utcnow())


def list_badges(actor: User, short_code: str | None, user_id, page: int, per_page: int) -> Page:
    """Badges you may see; a tenant's short code read over the phone finds one, and is logged as a check.

    (Someone is at a door with that badge: a revoked or suspended one alerts its contractor as a scan would.)
    """
    query = _visible(actor)
    if short_code is not None:
        query = query.where(Badge.short_code == (normalise_short_code(short_code) or "-"))
    if user_id is not None:
        query = query.where(Badge.user_id == user_id)
    result = paginate(query.order_by(Badge.issued_at.desc(), Badge.id), page, per_page)
    now = utcnow()
    for badge in result.items:
        with_status(badge, now)
        if short_code is not None:
            burst = db.session.scalar(sa.select(_burst(badge.id, now - BURST_WINDOW, now - ALERT_REPEAT_AFTER)))
            _log(badge.verdict, "phone", now, badge.id, badge.user.organisation_id, burst)
    return result


def with_status(badge: Badge, now: datetime) -> Badge:
    """Fill in what a tenant would be told now, and the holder's bookings today (for the office)."""
    badge.verdict = _verdict(badge.status, badge.user.active, badge.expires_at, now)
    visits = db.session.scalars(
        sa.select(Visit)
        .where(Visit.operative_id == badge.user_id, Visit.status.in_((VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS)))
        .order_by(Visit.window_start)
    )
    badge.bookings_today = [v for v in visits if london_date(v.window_start) == london_date(now)]
    return badge


def live_secret(badge_id: uuid.UUID, actor: User) -> str:
    """The secret the operative's own tablet makes live codes from (nobody else receives it)."""
    badge = get_badge(badge_id, actor)
    if badge.user_id != actor.id:
        raise Forbidden("Only the badge's holder receives its live secret.")
    return encryption.decrypt(badge.live_secret_encrypted)


# Verifying at the door -----------------------------------------------------------------------------


class Landlord(NamedTuple):
    name: str
    phone_office: str | None


@dataclass
class Verification:
    verdict: Verdict
    badge: sa.Row | None = None  # a row of _door_query: the badge, its holder and contractor
    landlords: list[Landlord] = field(default_factory=list)
    live: bool = False
    match_number: str | None = None
    live_expired: bool = False

    @property
    def shows_photo(self) -> bool:
        """The photo is shown only beside a genuine verdict: never to help a refused badge look real."""
        return self.verdict == Verdict.GENUINE and self.badge.photo_sha256 is not None


def _verdict(status: BadgeStatus, holder_active: bool, expires_at: datetime, now: datetime) -> Verdict:
    if status == BadgeStatus.REVOKED or not holder_active:
        return Verdict.REVOKED
    if status == BadgeStatus.SUSPENDED:
        return Verdict.SUSPENDED
    if now >= expires_at:
        return Verdict.EXPIRED
    return Verdict.GENUINE


def landlords_of(badge: Badge) -> list[sa.Row]:
    """The name and office phone of each landlord the holder's contractor works for (for the badge card)."""
    served = sa.select(Contract.landlord_id).where(
        Contract.contractor_id == badge.user.organisation_id, Contract.active.is_(True)
    )
    query = sa.select(Organisation.name, Organisation.phone_office).where(Organisation.id.in_(served))
    return list(db.session.execute(query.order_by(Organisation.name)))


def _alert_open(badge_id, kind: str, since) -> sa.Exists:
    """Whether the same alert is open, raised after `since` (an hour ago): one tenant checking twice is one alert."""
    return (
        sa.select(BadgeAlert.id)
        .where(
            BadgeAlert.badge_id == badge_id,
            BadgeAlert.kind == kind,
            BadgeAlert.acknowledged_at.is_(None),
            BadgeAlert.raised_at > since,
        )
        .exists()
    )


def _burst(badge_id, scans_since, alerts_since) -> sa.ColumnElement[bool]:
    """Whether this scan makes a burst (BURST_SCANS - 1 before it since `scans_since`) no open alert covers yet.

    The search stops at the threshold's row (OFFSET): a hammered badge costs no more to check.
    """
    earlier = sa.select(BadgeScan.id).where(BadgeScan.badge_id == badge_id, BadgeScan.scanned_at > scans_since)
    return sa.and_(earlier.offset(BURST_SCANS - 2).limit(1).exists(), ~_alert_open(badge_id, "burst", alerts_since))


def _log(
    verdict: Verdict,
    via: str,
    now: datetime,
    badge_id: uuid.UUID | None = None,
    contractor_id: uuid.UUID | None = None,
    burst: bool = False,
) -> None:
    """Log a check (never the caller's address); alert the contractor to a refused badge at a door or a burst."""
    db.session.execute(sa.insert(BadgeScan).values(badge_id=badge_id, verdict=verdict, via=via, scanned_at=now))
    if verdict in (Verdict.REVOKED, Verdict.SUSPENDED):
        detail = f"A {verdict.value} badge was checked at a door."
        _alert(badge_id, contractor_id, f"{verdict.value}_scan", detail, now)
    if burst:
        _alert(badge_id, contractor_id, "burst", f"{BURST_SCANS} checks of one badge within 10 minutes.", now)


def _alert(badge_id: uuid.UUID, contractor_id: uuid.UUID, kind: str, detail: str, now: datetime) -> None:
    """Raise an alert to the contractor's managers, unless the same one is open."""
    if db.session.scalar(sa.select(_alert_open(badge_id, kind, now - ALERT_REPEAT_AFTER))):
        return
    alert_id = uuid.uuid4()
    values = dict(id=alert_id, badge_id=badge_id, contractor_id=contractor_id, kind=kind, detail=detail, raised_at=now)
    db.session.execute(sa.insert(BadgeAlert).values(**values))
    if kind in ("revoked_scan", "suspended_scan"):  # emailed at once, in the scan's own transaction
        holder = db.session.scalar(
            sa.select(User.name).join(Badge, Badge.user_id == User.id).where(Badge.id == badge_id)
        )
        alerts.badge_refused(alert_id, kind.removesuffix("_scan"), holder, contractor_id, now)


def _check_live(badge: sa.Row, code: str, now: datetime) -> tuple[bool, bool]:
    """(valid, expired) for a live code: valid if made for one of the last three steps (90 s)."""
    step_text, _, mac_text = code.partition(".")
    if not step_text.isdigit() or len(step_text) > 12:
        return False, False
    step = int(step_text)
    expected = live_code(encryption.decrypt(badge.live_secret_encrypted), badge.id, step)
    if not hmac.compare_digest(expected, code) or not mac_text:
        return False, False
    current = step_at(now)
    if step > current + 1:  # a clock running a little ahead is forgiven, no more
        return False, False
    return current - step < LIVE_ACCEPT_STEPS, current - step >= LIVE_ACCEPT_STEPS


def _key_in_service() -> sa.Exists:
    return sa.select(BadgeKey.kid).where(BadgeKey.kid == Badge.kid, BadgeKey.withdrawn_at.is_(None)).exists()


def _signed_badge(token: str) -> Badge | None:
    """The badge this exact token was issued for, if its signature holds and its key is still in service."""
    claims = badge_keys.verify(token)
    if claims is None:
        return None
    return db.session.scalar(
        sa.select(Badge).where(Badge.id == claims.badge_id, Badge.token == token, _key_in_service())
    )


@functools.cache
def _door_query(by_token: bool) -> sa.Select:
    """Everything a check needs in one query: the badge, its holder, contractor, landlords and recent scans.

    One row per landlord the contractor works for (none: one row). The statement is built once, as
    building it costs more than running it, and each check binds its own values (_at_the_door); what it
    reads is never cached, so a revoked badge or a deactivated holder stops verifying at once.
    """
    if by_token:  # the exact token issued, under a key still in service
        where = Badge.id == sa.bindparam("badge_id"), Badge.token == sa.bindparam("token"), _key_in_service()
    else:
        where = (Badge.short_code == sa.bindparam("short_code"),)
    contractor, landlord = (
        sa.orm.aliased(Organisation, name="contractor"),
        sa.orm.aliased(Organisation, name="landlord"),
    )
    return (
        sa.select(
            Badge.id,
            Badge.token,
            Badge.status,
            Badge.expires_at,
            Badge.photo_sha256,
            Badge.live_secret_encrypted,
            User.name.label("holder"),
            User.active.label("holder_active"),
            User.organisation_id.label("contractor_id"),
            contractor.name.label("contractor"),
            _burst(Badge.id, sa.bindparam("scans_since"), sa.bindparam("alerts_since")).label("burst"),
            landlord.name.label("landlord"),
            landlord.phone_office.label("landlord_phone"),
        )
        .join(User, User.id == Badge.user_id)
        .join(contractor, contractor.id == User.organisation_id)
        .outerjoin(Contract, (Contract.contractor_id == User.organisation_id) & Contract.active.is_(True))
        .outerjoin(landlord, landlord.id == Contract.landlord_id)
        .where(*where)
        .order_by(landlord.name)
    )


def _at_the_door(now: datetime, **key) -> list[sa.Row]:
    """The door query's rows for one badge: `badge_id` and `token`, or `short_code`."""
    since = {"scans_since": now - BURST_WINDOW, "alerts_since": now - ALERT_REPEAT_AFTER}
    return db.session.execute(_door_query("token" in key), key | since).all()


def _checked(rows: list[sa.Row], via: str, now: datetime, live: str | None = None) -> Verification:
    """The verdict on the badge read (no rows: not recognised), its live code checked if one came; logged."""
    if not rows:
        _log(Verdict.NOT_RECOGNISED, via, now)
        return Verification(Verdict.NOT_RECOGNISED)
    badge = rows[0]
    # Two contracts with one landlord list it once.
    landlords = list(dict.fromkeys(Landlord(r.landlord, r.landlord_phone) for r in rows if r.landlord is not None))
    result = Verification(_verdict(badge.status, badge.holder_active, badge.expires_at, now), badge, landlords)
    if live is not None and result.verdict == Verdict.GENUINE:
        valid, expired = _check_live(badge, live, now)
        if valid:
            result.live, result.match_number = True, match_number(live)
        elif expired:  # a screenshot or photo of the tablet: it vouches for no one now
            result.verdict, result.live_expired = Verdict.EXPIRED, True
        else:
            result.verdict = Verdict.NOT_RECOGNISED
    _log(result.verdict, via, now, badge.id, badge.contractor_id, badge.burst)
    return result


def verify_token(token: str, now: datetime, live: str | None = None) -> Verification:
    """The verdict for a badge's QR (or its live QR), logged."""
    claims = badge_keys.verify(token)
    if claims is None:
        return _checked([], "qr", now)
    rows = _at_the_door(now, badge_id=claims.badge_id, token=token)
    return _checked(rows, "live" if live is not None and rows else "qr", now, live)


def verify_short_code(text: str, now: datetime, via: str = "short_code") -> Verification:
    code = normalise_short_code(text)
    return _checked(_at_the_door(now, short_code=code) if code else [], via, now)


def photo_path(token: str, now: datetime) -> tuple[Path, str] | None:
    """The file of a genuine badge's photo and its sha256, for its verification page; None for any other."""
    badge = _signed_badge(token)
    if badge is None or badge.photo_sha256 is None:
        return None
    if _verdict(badge.status, badge.user.active, badge.expires_at, now) != Verdict.GENUINE:
        return None
    return file_store.path(badge.photo_sha256), badge.photo_sha256


@dataclass
class Booking:
    verdict: Verdict  # the badge's, as the tenant would be told
    booked: bool = False
    window_start: datetime | None = None
    window_end: datetime | None = None
    kind: str | None = None
    doorstep_password: bool = False  # the household set one: the page says to ask for it
    visit_id: uuid.UUID | None = None  # never shown: the feedback page's code is made from it


def _same_house(kept: str, typed: str) -> bool:
    """Case, commas, full stops and spacing aside, the same words in the same order: "Flat 3, 27" is "flat 3 27"."""

    def words(house: str) -> list[str]:
        return house.lower().replace(",", " ").replace(".", " ").split()

    return words(kept) == words(typed)


def booked_today(token: str, postcode: str | None, house: str, now: datetime) -> Booking:
    """Is this badge's holder booked at this address today (London)? Never says more than yes or no.

    Only a genuine badge is ever booked; a postcode that is not one (None) or no house is simply not booked.
    """
    badge = _signed_badge(token)
    verdict = (
        Verdict.NOT_RECOGNISED if badge is None else _verdict(badge.status, badge.user.active, badge.expires_at, now)
    )
    if verdict != Verdict.GENUINE or postcode is None or not house.strip():
        return Booking(verdict)
    today = london_date(now)
    visits = db.session.scalars(
        sa.select(Visit)
        .join(Property, Property.id == Visit.property_id)
        .where(
            Visit.operative_id == badge.user_id,
            Visit.status.in_((VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS)),
            Property.postcode == postcode,
        )
    )
    for visit in visits:
        if london_date(visit.window_start) == today and _same_house(visit.property.house, house):
            household = visit.property.household
            has_password = household is not None and household.has_doorstep_password
            return Booking(
                verdict, True, visit.window_start, visit.window_end, visit.kind.value, has_password, visit.id
            )
    return Booking(verdict)


# Alerts --------------------------------------------------------------------------------------------


def list_alerts(actor: User, unacknowledged: bool | None, page: int, per_page: int) -> Page:
    if not actor.is_manager or actor.organisation_kind is None:
        raise Forbidden("Badge alerts are for the contractor's managers and admins.")
    query = sa.select(BadgeAlert).where(BadgeAlert.contractor_id == actor.organisation_id)
    if unacknowledged:
        query = query.where(BadgeAlert.acknowledged_at.is_(None))
    return paginate(query.order_by(BadgeAlert.raised_at.desc(), BadgeAlert.id), page, per_page)


def acknowledge_alert(alert_id: uuid.UUID, actor: User, now: datetime) -> BadgeAlert:
    alert = db.session.get(BadgeAlert, alert_id)
    if alert is None or alert.contractor_id != actor.organisation_id:
        raise NotFound(f"No badge alert with id {alert_id}.")
    if not actor.is_manager:
        raise Forbidden("Badge alerts are acknowledged by managers and admins.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor.id
    return alert
