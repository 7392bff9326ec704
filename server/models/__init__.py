"""Every model, imported so that the metadata (and Alembic) sees the whole schema."""

from server.models.audit import SensitiveRead
from server.models.changes import Change
from server.models.contracts import Contract
from server.models.organisations import Organisation, OrganisationKind, Region
from server.models.properties import Household, Property
from server.models.users import DeviceSession, Role, User
from server.models.visits import OPEN_STATUSES, Visit, VisitKind, VisitStatus

__all__ = [
    "OPEN_STATUSES",
    "Change",
    "Contract",
    "DeviceSession",
    "Household",
    "Organisation",
    "OrganisationKind",
    "Property",
    "Region",
    "Role",
    "SensitiveRead",
    "User",
    "Visit",
    "VisitKind",
    "VisitStatus",
]
