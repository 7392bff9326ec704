"""The offline-sync engine: change log, scope, cursor and idempotent apply. No Flask routes here."""

from server.models.changes import Change, Op, Scope
from sync.changelog import record
from sync.scope import (
    badge_changed,
    checklist_template_changed,
    contract_changed,
    household_changed,
    property_changed,
    user_changed,
    visit_changed,
    visit_record_changed,
)

__all__ = [
    "Change",
    "Op",
    "Scope",
    "badge_changed",
    "checklist_template_changed",
    "contract_changed",
    "household_changed",
    "property_changed",
    "record",
    "user_changed",
    "visit_changed",
    "visit_record_changed",
]
