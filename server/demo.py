"""The demo world `flask seed-demo` builds: two landlords, two contractors, their people and a week of visits.

Built through the same services the API uses, so every record has its change-log rows.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

import sync
from server.extensions import db, passwords
from server.london_time import LONDON
from server.models import (
    Badge,
    Contract,
    Household,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    User,
    Visit,
    VisitKind,
    VisitStatus,
)
from server.schemas.standards import validated_standards
from server.services import badges, cards, checklists, concerns, properties, visits

PASSWORD = "doorstep-demo"

ORGANISATIONS = {
    "havebury": dict(
        kind=OrganisationKind.LANDLORD,
        name="Havebury Housing (demo)",
        region=Region.ENGLAND_WALES,
        phone_office="0300 123 4567",
        phone_out_of_hours="0300 123 4568",
        email="repairs@havebury.example",
        website="https://havebury.example",
        branding={"colour": "#00594f"},
    ),
    "berwickshire": dict(
        kind=OrganisationKind.LANDLORD,
        name="Berwickshire Housing (demo)",
        region=Region.SCOTLAND,
        phone_office="01361 000 111",
        phone_out_of_hours="0800 000 222",
        email="repairs@berwickshire.example",
        website="https://berwickshire.example",
        branding={"colour": "#1d3f7a"},
    ),
    "anglia": dict(
        kind=OrganisationKind.CONTRACTOR,
        name="Anglia Property Care (demo)",
        region=Region.ENGLAND_WALES,
        phone_office="01284 000 333",
        phone_out_of_hours="01284 000 334",
        email="office@anglia.example",
    ),
    "borders": dict(
        kind=OrganisationKind.CONTRACTOR,
        name="Borders Building Services (demo)",
        region=Region.SCOTLAND,
        phone_office="01890 000 444",
        phone_out_of_hours="01890 000 445",
        email="office@borders.example",
    ),
}

# Havebury's contractor policy gives the defaults; Berwickshire answers tenants in 5 working days
# and attends emergencies within 6 hours.
CONTRACTS = [
    ("havebury", "anglia", "HAV-R-2026", "Havebury responsive repairs", {}),
    ("havebury", "borders", "HAV-P-2026", "Havebury planned works", {}),
    (
        "berwickshire",
        "borders",
        "BHA-R-2026",
        "Berwickshire repairs and maintenance",
        {"respond_to_tenant_working_days": 5, "emergency_response_hours": 6},
    ),
]

USERS = [
    ("anglia", Role.ADMIN, "admin@anglia.example", "Sarah Whitlock", None),
    ("anglia", Role.MANAGER, "manager@anglia.example", "Tom Barker", None),
    ("anglia", Role.OPERATIVE, "dan@anglia.example", "Dan Cooper", "07700 900101"),
    ("anglia", Role.OPERATIVE, "priya@anglia.example", "Priya Shah", "07700 900102"),
    ("borders", Role.ADMIN, "admin@borders.example", "Fiona Laidlaw", None),
    ("borders", Role.MANAGER, "manager@borders.example", "Graham Elliot", None),
    ("borders", Role.OPERATIVE, "callum@borders.example", "Callum Fraser", "07700 900201"),
    ("borders", Role.OPERATIVE, "ewan@borders.example", "Ewan Scott", "07700 900202"),
    ("havebury", Role.ADMIN, "admin@havebury.example", "Helen Marsh", None),
    ("havebury", Role.MANAGER, "manager@havebury.example", "Mark Osei", None),
    ("berwickshire", Role.ADMIN, "admin@berwickshire.example", "Morag Douglas", None),
    ("berwickshire", Role.MANAGER, "manager@berwickshire.example", "Iain Cranston", None),
]

# key: landlord, address, household (tenant, language, needs, lone worker, doorstep password)
HOMES = {
    "ellis": (
        "havebury",
        ("12", "Mill Road", "Bury St Edmunds", "IP33 3AA"),
        ("Margaret Ellis", "en", ["large_print"], False, None),
    ),
    "hussain": (
        "havebury",
        ("4", "Orchard Close", "Bury St Edmunds", "IP33 2BB"),
        ("Imran Hussain", "ur", ["interpreter"], False, None),
    ),
    "begum": (
        "havebury",
        ("Flat 3, 27", "Station Hill", "Bury St Edmunds", "IP32 6CC"),
        ("Rahima Begum", "bn", [], False, None),
    ),
    "chen": ("havebury", ("9", "Church Walk", "Haverhill", "CB9 8DD"), ("Chen Mei-ling", "zh-Hant", [], False, None)),
    "pritchard": (
        "havebury",
        ("Rose Cottage", "Chapel Lane", "Newmarket", "CB8 7EE"),
        ("Gwen Pritchard", "cy", [], False, None),
    ),
    "nowak": ("berwickshire", ("21", "Market Square", "Duns", "TD11 3AA"), ("Katarzyna Nowak", "pl", [], False, None)),
    "renton": ("berwickshire", ("5", "Harbour Road", "Eyemouth", "TD14 5BB"), ("Alan Renton", "en", [], True, None)),
    "hume": ("berwickshire", ("2", "Castle Street", "Duns", "TD11 3CC"), ("Jean Hume", "en", [], False, "bluebell")),
    "wojcik": (
        "berwickshire",
        ("17", "High Street", "Coldstream", "TD12 4DD"),
        ("Piotr Wójcik", "pl", ["interpreter"], False, None),
    ),
}

# How the tenants who agreed to messages about visits are reached (phone, email, channel, how they agreed);
# recorded once the week's history is seeded, so they are told only of what happens from now on.
CONTACTS = {
    "nowak": ("07700 900301", None, "sms", "Agreed to texts on the phone, with an interpreter"),
    "wojcik": (None, "piotr.wojcik@example.net", "email", "Tenancy sign-up form"),
    "hussain": ("07700 900302", None, "sms", "Agreed to texts at the last visit"),
    "chen": (None, "meiling.chen@example.net", "email", "Tenancy sign-up form"),
    "pritchard": ("07700 900303", None, "sms", "Agreed to texts on the phone"),
}

# (contract reference, home, operative email, days from today, London start hour, hours, kind, final status)
VISITS = [
    ("HAV-R-2026", "ellis", "dan@anglia.example", 0, 8, 2, VisitKind.REPAIR, VisitStatus.SCHEDULED),
    ("HAV-R-2026", "hussain", "dan@anglia.example", 0, 10, 2, VisitKind.REPAIR, VisitStatus.SCHEDULED),
    ("HAV-R-2026", "begum", "dan@anglia.example", 0, 13, 3, VisitKind.GAS_SAFETY, VisitStatus.SCHEDULED),
    ("HAV-R-2026", "chen", "priya@anglia.example", 0, 8, 4, VisitKind.REPAIR, VisitStatus.IN_PROGRESS),
    ("HAV-R-2026", "pritchard", "priya@anglia.example", 0, 13, 4, VisitKind.INSPECTION, VisitStatus.SCHEDULED),
    ("BHA-R-2026", "nowak", "callum@borders.example", 0, 9, 2, VisitKind.REPAIR, VisitStatus.SCHEDULED),
    ("BHA-R-2026", "hume", "callum@borders.example", 0, 12, 2, VisitKind.REPAIR, VisitStatus.SCHEDULED),
    ("BHA-R-2026", "renton", "ewan@borders.example", 0, 8, 4, VisitKind.REPAIR, VisitStatus.SCHEDULED),
    ("HAV-R-2026", "ellis", "priya@anglia.example", -6, 8, 4, VisitKind.REPAIR, VisitStatus.MISSED),
    ("HAV-R-2026", "ellis", "dan@anglia.example", -5, 8, 4, VisitKind.REPAIR, VisitStatus.MISSED),
    ("HAV-R-2026", "ellis", "priya@anglia.example", -2, 13, 4, VisitKind.REPAIR, VisitStatus.MISSED),
    ("HAV-R-2026", "hussain", "dan@anglia.example", -5, 13, 4, VisitKind.REPAIR, VisitStatus.COMPLETED),
    ("HAV-R-2026", "begum", "dan@anglia.example", -3, 8, 4, VisitKind.REPAIR, VisitStatus.NO_ACCESS),
    ("HAV-P-2026", "pritchard", "ewan@borders.example", -2, 8, 8, VisitKind.PLANNED_WORKS, VisitStatus.COMPLETED),
    ("HAV-R-2026", "chen", "priya@anglia.example", -1, 10, 2, VisitKind.REPAIR, VisitStatus.CANCELLED),
    ("BHA-R-2026", "renton", "callum@borders.example", -4, 9, 2, VisitKind.REPAIR, VisitStatus.NO_ACCESS),
    ("BHA-R-2026", "wojcik", "ewan@borders.example", -1, 13, 3, VisitKind.REPAIR, VisitStatus.COMPLETED),
    ("BHA-R-2026", "hume", "callum@borders.example", -6, 9, 2, VisitKind.INSPECTION, VisitStatus.COMPLETED),
]


# Concerns the operatives raised at finished visits, by (contract, home, day): the managers' queue.
CONCERNS = {
    ("HAV-R-2026", "hussain", -5): (
        "damp_mould",
        "significant",
        "Black mould on the bedroom ceiling above the window, about 1 m wide; the tenant's son has asthma.",
    ),
    ("BHA-R-2026", "wojcik", -1): ("property_defect", "routine", "Back door frame rotten at the bottom; door sticks."),
}

# Mrs Ellis's repair: three appointments missed by the contractor, so compensation is due.
SAME_REPAIR = {("HAV-R-2026", "ellis"): "HAV-40007"}


def example_answers(household: Household | None = None) -> dict:
    """A complete set of answers to the default checklist: no damage, the tenant declined to sign."""
    answers = {
        "uniform_with_company_name": True,
        "overshoes_and_dust_sheets": True,
        "consent_before_facilities": True,
        "ppe_and_safety_advice": True,
        "damage_caused": False,
        "cleaned_up": True,
        "tenant_signed": False,
        "no_signature_reason": "tenant_declined",
    }
    if household is not None and household.lone_worker:
        answers["lone_worker_notice_followed"] = True
    return answers


@dataclass
class World:
    organisations: list[Organisation]
    users: list[User]
    visits: list[Visit]
    badges: list[Badge]


def _london(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), LONDON).astimezone(UTC)


def _finish(visit: Visit, status: VisitStatus, operative: User, manager: User) -> None:
    """Take a booked visit to the state it ended in, through the services the field uses."""
    arrived = visit.window_start + timedelta(minutes=12)
    if status in (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED):
        visits.arrive(visit.id, operative, now=arrived)
        visits.show_id(visit.id, operative, now=arrived + timedelta(minutes=1))
    if status == VisitStatus.COMPLETED:
        answers = example_answers(visit.property.household)
        visits.complete(visit.id, answers, operative, now=arrived + timedelta(minutes=95))
    if status == VisitStatus.NO_ACCESS:
        attempt = {"waited_minutes": 10, "card_left": True, "note": "No answer at the door or by phone."}
        visits.record_no_access(visit.id, attempt, operative, now=arrived)
    if status == VisitStatus.MISSED:
        visits.mark_missed(visit.id, manager, now=visit.window_end + timedelta(hours=1))


def is_seeded() -> bool:
    names = [o["name"] for o in ORGANISATIONS.values()]
    return db.session.scalar(sa.select(sa.func.count()).where(Organisation.name.in_(names))) > 0


def seed(now: datetime) -> None:
    """Create the demo world, its visits placed around the London day of `now`."""
    orgs = {key: Organisation(**fields) for key, fields in ORGANISATIONS.items()}
    db.session.add_all(orgs.values())
    db.session.flush()
    contracts = {}
    for landlord, contractor, reference, name, standards in CONTRACTS:
        contract = Contract(
            landlord_id=orgs[landlord].id,
            contractor_id=orgs[contractor].id,
            reference=reference,
            name=name,
            standards=validated_standards(standards),
        )
        db.session.add(contract)
        db.session.flush()
        sync.contract_changed(contract)
        checklists.add_default_template(contract)
        contracts[reference] = contract

    password_hash = passwords.hash(PASSWORD)
    users = {}
    for org, role, email, name, phone in USERS:
        user = User(organisation=orgs[org], role=role, email=email, name=name, phone=phone, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        sync.user_changed(user)
        users[email] = user

    for operative in (u for u in users.values() if u.role == Role.OPERATIVE):
        admin = next(u for u in users.values() if u.organisation is operative.organisation and u.role == Role.ADMIN)
        badges.issue(operative.id, None, actor=admin, now=now)

    homes = {}
    for key, (landlord, (house, street, town, postcode), (tenant, language, needs, lone, secret)) in HOMES.items():
        admin = users[f"admin@{landlord}.example"]
        prop = properties.create_property(dict(house=house, street=street, town=town, postcode=postcode), actor=admin)
        household = dict(
            property_id=prop.id, tenant_name=tenant, preferred_language=language, needs=needs, lone_worker=lone
        )
        properties.create_household({**household, "doorstep_password": secret}, actor=admin, now=now)
        homes[key] = prop

    today = now.astimezone(LONDON).date()
    for n, (reference, home, operative, days, hour, hours, kind, status) in enumerate(VISITS, start=1):
        contract = contracts[reference]
        manager = db.session.scalar(
            sa.select(User).where(User.organisation_id == contract.contractor_id, User.role == Role.MANAGER)
        )
        day = today + timedelta(days=days)
        visit = visits.create_visit(
            dict(
                contract_id=contract.id,
                property_id=homes[home].id,
                operative_id=users[operative].id,
                repair_reference=SAME_REPAIR.get((reference, home), f"{reference.split('-')[0]}-{40000 + n * 7}"),
                kind=kind,
                window_start=_london(day, hour),
                window_end=_london(day, hour + hours),
                planned_works_notice_on=day - timedelta(days=21) if kind == VisitKind.PLANNED_WORKS else None,
            ),
            actor=manager,
            now=now,
        )
        if status == VisitStatus.CANCELLED:
            reason = "Tenant asked to rebook: away that week."
            visits.cancel_visit(visit.id, reason, actor=manager, by_tenant=True, now=now)
        elif status != VisitStatus.SCHEDULED:
            _finish(visit, status, users[operative], manager)
        if (concern := CONCERNS.get((reference, home, days))) is not None:
            category, severity, description = concern
            raised = dict(category=category, severity=severity, description=description)
            concerns.raise_concern(visit.id, raised, users[operative], visit.window_start + timedelta(minutes=40))
    for home, (phone, email, channel, note) in CONTACTS.items():
        household = homes[home].household
        consent = dict(phone=phone, email=email, contact_channel=channel, contact_consent_note=note)
        properties.update_household(household.id, consent, actor=users[f"admin@{HOMES[home][0]}.example"], now=now)
    db.session.flush()


def load() -> World:
    """The demo world as it is in the database now."""
    names = [o["name"] for o in ORGANISATIONS.values()]
    orgs = db.session.scalars(
        sa.select(Organisation).where(Organisation.name.in_(names)).order_by(Organisation.name)
    ).all()
    ids = [o.id for o in orgs]
    users = db.session.scalars(sa.select(User).where(User.organisation_id.in_(ids)).order_by(User.email)).all()
    contract_ids = sa.select(Contract.id).where(Contract.landlord_id.in_(ids))
    booked = db.session.scalars(
        sa.select(Visit).where(Visit.contract_id.in_(contract_ids)).order_by(Visit.window_start, Visit.id)
    ).all()
    held = db.session.scalars(
        sa.select(Badge).join(User, User.id == Badge.user_id).where(User.organisation_id.in_(ids)).order_by(User.email)
    ).all()
    return World(list(orgs), list(users), list(booked), list(held))


def _household(visit: Visit) -> Household | None:
    return visit.property.household


def as_json(world: World) -> dict:
    """The demo world in the shape tools outside the project read (keep these keys)."""

    return {
        "password": PASSWORD,
        "organisations": [{"id": str(o.id), "name": o.name, "kind": o.kind.value} for o in world.organisations],
        "users": [
            {
                "id": str(u.id),
                "email": u.email,
                "name": u.name,
                "role": u.role.value,
                "organisation": u.organisation.name,
                "organisation_kind": u.organisation.kind.value,
            }
            for u in world.users
        ],
        "visits": [
            {
                "id": str(v.id),
                "operative_email": v.operative.email if v.operative else None,
                "status": v.status.value,
                "window_start": v.window_start.isoformat(),
                "window_end": v.window_end.isoformat(),
                "postcode": v.property.postcode,
                "house": v.property.house,
                "language": _household(v).preferred_language if _household(v) else None,
                "contract_reference": v.contract.reference,
                "kind": v.kind.value,
            }
            for v in world.visits
        ],
        "badges": [
            {
                "id": str(b.id),
                "operative_email": b.user.email,
                "short_code": badges.display_short_code(b.short_code),
                "verify_url": badges.verify_url(b),
            }
            for b in world.badges
        ],
        "calling_cards": [
            {"visit_id": str(v.id), "code": v.no_access.card_serial, "check_url": cards.check_url(v.no_access)}
            for v in world.visits
            if v.no_access is not None
        ],
    }


def as_text(world: World, base_url: str) -> str:
    """What a person reads after seeding: where to look and how to sign in."""
    lines = [
        f"Doorstep demo at {base_url}  (API docs: {base_url}/api/v1/docs)",
        f"Every demo account's password: {PASSWORD}",
        "",
    ]
    for user in world.users:
        today = sum(1 for v in world.visits if v.operative_id == user.id and v.status == VisitStatus.SCHEDULED)
        extra = f"  ({today} scheduled)" if user.role == Role.OPERATIVE else ""
        lines.append(f"  {user.email:32} {user.role.value:10} {user.organisation.name}{extra}")
    lines += ["", f"Badges: open an address (or scan its QR) as a tenant would, or type the code at {base_url}/v"]
    for badge in world.badges:
        code = badges.display_short_code(badge.short_code)
        lines.append(f"  {badge.user.name:16} {code}  {badges.verify_url(badge)}")
    lines += ["", f"Calling cards left when nobody was in: check one at {base_url}/c, or get its PDF (signed in)"]
    for visit in (v for v in world.visits if v.no_access is not None):
        language = _household(visit).preferred_language if _household(visit) else "en"
        lines.append(
            f"  {visit.no_access.card_serial}  {visit.repair_reference:10} ({language})  "
            f"{cards.check_url(visit.no_access)}  /api/v1/visits/{visit.id}/calling-card.pdf"
        )
    homes = {v.property_id: _household(v) for v in world.visits if _household(v) is not None}
    told = sorted((h for h in homes.values() if h.contact_channel), key=lambda h: h.tenant_name)
    lines += ["", "Tenants told about their visits (texts caught in instance/texts/, email in instance/mail/):"]
    lines += [f"  {h.tenant_name:18} {h.contact_channel:6} ({h.preferred_language})" for h in told]
    lines += [
        "",
        "Sign in:",
        f"  curl -s -X POST {base_url}/api/v1/auth/login -H 'Content-Type: application/json' \\",
        f'       -d \'{{"email": "dan@anglia.example", "password": "{PASSWORD}"}}\'',
    ]
    return "\n".join(lines)
