"""Compensation for repeatedly missed appointments: counted per repair, the tenant's claim capped per day."""

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from server.errors import DomainError, Forbidden
from server.extensions import db
from server.models import CompensationClaim, Contract, User, Visit, VisitStatus
from server.services.access import contract_filter, visible
from server.services.pages import Page


@dataclass
class RepairCompensation:
    contract_id: uuid.UUID
    repair_reference: str
    missed: int
    allowed: int
    daily_cap_pence: int
    claim: CompensationClaim | None

    @property
    def due(self) -> bool:
        return self.missed > self.allowed


def missed_count(contract_id: uuid.UUID, repair_reference: str) -> int:
    """How many appointments for this repair the contractor did not turn up to."""
    query = sa.select(sa.func.count()).where(
        Visit.contract_id == contract_id, Visit.repair_reference == repair_reference, Visit.status == VisitStatus.MISSED
    )
    return db.session.scalar(query)


def for_repair(contract: Contract, repair_reference: str) -> RepairCompensation:
    claim = db.session.scalar(
        sa.select(CompensationClaim).where(
            CompensationClaim.contract_id == contract.id, CompensationClaim.repair_reference == repair_reference
        )
    )
    return RepairCompensation(
        contract_id=contract.id,
        repair_reference=repair_reference,
        missed=missed_count(contract.id, repair_reference),
        allowed=contract.standards["missed_appointments_before_compensation"],
        daily_cap_pence=contract.standards["compensation_daily_cap_pence"],
        claim=claim,
    )


def for_repairs(visits: sa.Select):
    """A `for_repair` for every repair among `visits` (a select of Visit rows), loaded in two queries."""
    pairs = visits.with_only_columns(Visit.contract_id, Visit.repair_reference).distinct().subquery()
    same_repair = sa.and_(Visit.contract_id == pairs.c.contract_id, Visit.repair_reference == pairs.c.repair_reference)
    counts = db.session.execute(
        sa.select(pairs.c.contract_id, pairs.c.repair_reference, sa.func.count(Visit.id))
        .join(Visit, sa.and_(same_repair, Visit.status == VisitStatus.MISSED))
        .group_by(pairs.c.contract_id, pairs.c.repair_reference)
    ).all()
    missed = {(contract_id, reference): n for contract_id, reference, n in counts}
    claims = db.session.scalars(
        sa.select(CompensationClaim).join(
            pairs,
            sa.and_(
                CompensationClaim.contract_id == pairs.c.contract_id,
                CompensationClaim.repair_reference == pairs.c.repair_reference,
            ),
        )
    ).all()
    claim_of = {(claim.contract_id, claim.repair_reference): claim for claim in claims}

    def repair_of(contract: Contract, repair_reference: str) -> RepairCompensation:
        key = (contract.id, repair_reference)
        return RepairCompensation(
            contract_id=contract.id,
            repair_reference=repair_reference,
            missed=missed.get(key, 0),
            allowed=contract.standards["missed_appointments_before_compensation"],
            daily_cap_pence=contract.standards["compensation_daily_cap_pence"],
            claim=claim_of.get(key),
        )

    return repair_of


def list_due(actor: User, page: int, per_page: int) -> Page:
    """Repairs on the actor's contracts whose missed appointments exceed the contract's allowance."""
    if not actor.is_manager:
        raise Forbidden("Compensation is handled by managers.")
    missed = (
        sa.select(Visit.contract_id, Visit.repair_reference, sa.func.count().label("missed"))
        .join(Contract, Contract.id == Visit.contract_id)
        .where(Visit.status == VisitStatus.MISSED, contract_filter(actor))
        .group_by(Visit.contract_id, Visit.repair_reference)
        .subquery()
    )
    query = (
        sa.select(Contract, missed.c.repair_reference)
        .join(missed, missed.c.contract_id == Contract.id)
        .order_by(missed.c.missed.desc(), missed.c.repair_reference)
    )
    rows = db.session.execute(query).all()
    due = [r for r in (for_repair(contract, reference) for contract, reference in rows) if r.due]
    start = (page - 1) * per_page
    return Page(items=due[start : start + per_page], page=page, per_page=per_page, total=len(due))


def record_claim(fields: dict, actor: User, now: datetime) -> RepairCompensation:
    """Record the tenant's lost earnings for a repair that is due compensation; the payable sum is capped."""
    if not actor.is_manager:
        raise Forbidden("Compensation is handled by managers.")
    contract = db.session.scalar(visible(actor, Contract).where(Contract.id == fields["contract_id"]))
    if contract is None:
        raise DomainError("validation_failed", errors={"contract_id": ["No contract of yours with this id."]})
    repair = for_repair(contract, fields["repair_reference"])
    if not repair.due:
        raise DomainError(
            "invalid_transition",
            f"Repair {repair.repair_reference} has {repair.missed} missed appointment(s); compensation starts after "
            f"more than {repair.allowed}.",
        )
    if repair.claim is not None:
        raise DomainError("already_exists", "A claim is already recorded for this repair.")
    repair.claim = CompensationClaim(
        contract_id=contract.id,
        repair_reference=repair.repair_reference,
        days_lost=fields["days_lost"],
        earnings_lost_per_day_pence=fields["earnings_lost_per_day_pence"],
        daily_cap_pence=repair.daily_cap_pence,
        note=fields.get("note"),
        recorded_by=actor.id,
        recorded_at=now,
    )
    db.session.add(repair.claim)
    db.session.flush()
    return repair
