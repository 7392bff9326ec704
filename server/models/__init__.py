"""Every model, imported so that the metadata (and Alembic) sees the whole schema."""

from server.models.attachments import Attachment, AttachmentKind
from server.models.audit import SensitiveRead
from server.models.badges import Badge, BadgeAlert, BadgeKey, BadgeScan, BadgeStatus, Verdict
from server.models.cards import CardCheck
from server.models.changes import Change
from server.models.checklists import ChecklistTemplate, VisitReport
from server.models.compensation import CompensationClaim
from server.models.concerns import SENSITIVE_CATEGORIES, Concern, ConcernCategory, Severity
from server.models.contracts import Contract
from server.models.feedback import Feedback, FeedbackCode, FeedbackKind
from server.models.messages import Audience, Channel, Message, MessageState
from server.models.no_access import NoAccessAttempt
from server.models.organisations import Organisation, OrganisationKind, Region
from server.models.properties import Household, Property
from server.models.rebooking import PreferredTimes, RebookingRequest
from server.models.sync_mutations import MutationStatus, SyncMutation
from server.models.users import DeviceSession, Role, User
from server.models.visits import OPEN_STATUSES, Visit, VisitKind, VisitStatus

__all__ = [
    "OPEN_STATUSES",
    "SENSITIVE_CATEGORIES",
    "Attachment",
    "AttachmentKind",
    "Audience",
    "Badge",
    "BadgeAlert",
    "BadgeKey",
    "BadgeScan",
    "BadgeStatus",
    "CardCheck",
    "Change",
    "Channel",
    "ChecklistTemplate",
    "CompensationClaim",
    "Concern",
    "ConcernCategory",
    "Contract",
    "DeviceSession",
    "Feedback",
    "FeedbackCode",
    "FeedbackKind",
    "Household",
    "Message",
    "MessageState",
    "MutationStatus",
    "NoAccessAttempt",
    "Organisation",
    "OrganisationKind",
    "PreferredTimes",
    "Property",
    "RebookingRequest",
    "Region",
    "Role",
    "SensitiveRead",
    "Severity",
    "SyncMutation",
    "User",
    "Verdict",
    "Visit",
    "VisitKind",
    "VisitReport",
    "VisitStatus",
]
