"""The console's pages: each parses its form or query, calls the service the API calls, and renders a page."""

import uuid
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from server.extensions import limiter
from server.london_time import LONDON, readable
from server.models import AttachmentKind, ConcernCategory, MessageState, Role, VisitStatus
from server.models.base import utcnow
from server.schemas.badges import SuspendSchema
from server.schemas.common import StrictSchema
from server.schemas.concerns import AcknowledgeSchema
from server.schemas.reports import RangeArgsSchema
from server.services import attachments, badges, concerns, console, documents, feedback, messages, reports, visits
from server.web.console import charts, forms, signin

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
signin.serve(bp)

PER_PAGE = 25
TREND_WEEKS = 8
CATEGORY_LABELS = {
    "property_defect": "Property defect",
    "damp_mould": "Damp and mould",
    "vulnerable_adult": "Vulnerable adult",
    "unsanitary_conditions": "Unsanitary conditions",
    "safeguarding": "Safeguarding",
    "damage": "Damage",
    "other": "Other",
}
_MICROSECOND = timedelta(microseconds=1)
STANDARD_LABELS = reports.LABELS | {"missed_appointments": "Repair within its missed-appointment allowance"}


@bp.app_template_filter("london")
def london(moment, style: str = "long") -> str:
    """A stored UTC time as people in the UK read it."""
    return readable(moment, style)


bp.add_app_template_filter(badges.display_short_code, "short_code")


@bp.app_template_filter("share")
def share(value) -> str:
    return "—" if value is None else f"{value:.0%}"


def _page(template: str, status: int = 200, **context):
    return render_template(f"console/{template}", **context), status


def _back(default: str) -> str:
    """Where a form goes back to: a console page named in the form, never another site."""
    back = request.form.get("back", "")
    return back if back.startswith("/console/") and "//" not in back and "\\" not in back else default


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# Signing in and out --------------------------------------------------------------------------------


@bp.get("/login")
def login_form():
    if signin.user() is not None:
        return redirect(url_for("console.dashboard"))
    ended = session.pop("ended", False)
    return _page("login.html", notice="Your session has ended; sign in again." if ended else None)


@bp.post("/login")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=signin.login_account)
def login():
    """Sign in with the same email and password as the app; managers and admins only."""
    device_session = console.sign_in(request.form.get("email", ""), request.form.get("password", ""), utcnow())
    signin.start(device_session)
    return redirect(url_for("console.dashboard"), 303)


@bp.post("/logout")
def logout():
    signin.end()
    flash("You have signed out.")
    return redirect(url_for("console.login_form"), 303)


# The standards -------------------------------------------------------------------------------------


def _week_label(report: dict) -> str:
    start = report["from_"].astimezone(LONDON)
    return f"{start.day} {start:%b}"


@bp.get("/")
def dashboard():
    """The standards over a range (the last 28 days unless chosen), with a trend over the last 8 weeks."""
    actor, now = signin.user(), utcnow()
    args = forms.load(RangeArgsSchema(), request.args)
    report = reports.standards_report(actor, args, now)
    scope = {k: args[k] for k in ("contract", "operative") if args.get(k)}
    weeks = console.weekly_standards(actor, scope, now, TREND_WEEKS)
    labels = [_week_label(week) for week in weeks]
    by_key = {
        item.key: [next(i for i in week["items"] if i.key == item.key) for week in weeks] for item in report["items"]
    }
    trends = [
        (item, charts.trend([w.achieved for w in by_key[item.key]], labels, item.target), by_key[item.key])
        for item in report["items"]
    ]
    no_access = [None if w.achieved is None else 1 - w.achieved for w in by_key["access_gained"]]
    categories = next(i for i in report["items"] if i.key == "concerns_acknowledged_on_time").by_category
    return _page(
        "dashboard.html",
        report=report,
        last_day=(report["to"].astimezone(LONDON) - _MICROSECOND).date(),
        trends=trends,
        labels=labels,
        no_access=charts.columns(no_access, labels),
        no_access_weeks=list(zip(labels, by_key["access_gained"], no_access, strict=True)),
        categories=charts.bars(
            [row["total"] for row in categories], [CATEGORY_LABELS[row["category"]] for row in categories]
        ),
        category_rows=categories,
        category_labels=CATEGORY_LABELS,
        choices=console.filter_choices(actor),
        args=request.args,
    )


# Visits --------------------------------------------------------------------------------------------


@bp.get("/visits")
def visit_list():
    """Visits you may see, by booked time; filter by days, contract, operative and status."""
    actor = signin.user()
    filters = forms.load(forms.VisitFilterSchema(), request.args)
    page = visits.list_visits(actor, filters, filters["page"], PER_PAGE)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return _page(
        "visits.html",
        page=page,
        choices=console.filter_choices(actor),
        statuses=list(VisitStatus),
        args=request.args,
        query=query,
    )


@bp.get("/visits/<uuid:visit_id>")
def visit_page(visit_id: uuid.UUID):
    """A visit: its report's answers, photos and signature, concerns, and which standards it met."""
    actor, now = signin.user(), utcnow()
    visit = visits.visit_detail(visit_id, actor, now)
    raised = concerns.list_concerns(actor, {"visit": visit.id}, now, 1, 100).items
    files = attachments.list_for_visit(visit.id, actor, 1, 100).items
    told = messages.list_messages(actor, {"visit": visit.id}, 1, 20)
    return _page(
        "visit.html",
        visit=visit,
        page=told,
        concerns=raised,
        photos=[a for a in files if a.kind == AttachmentKind.PHOTO],
        signatures=[a for a in files if a.kind == AttachmentKind.SIGNATURE],
        answers=visit.report.answers if visit.report else {},
        standard_labels=STANDARD_LABELS,
        category_labels=CATEGORY_LABELS,
        now=now,
    )


@bp.get("/visits/<uuid:visit_id>/report.pdf")
def visit_report_pdf(visit_id: uuid.UUID):
    return _pdf(documents.visit_report_pdf(visit_id, signin.user(), now=utcnow()), f"visit-report-{visit_id}.pdf")


@bp.get("/attachments/<uuid:attachment_id>")
def attachment_content(attachment_id: uuid.UUID):
    """A visit's photo or signature, for those who may see the visit."""
    attachment, path = attachments.content_path(attachment_id, signin.user())
    response = send_file(path, mimetype=attachment.content_type, max_age=0, conditional=True, etag=attachment.sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


# Concerns and badge alerts -------------------------------------------------------------------------


@bp.get("/queue")
def queue():
    """What is left to do: concerns (safeguarding first, then emergencies, then by due time) and badge alerts."""
    actor, now = signin.user(), utcnow()
    args = forms.load(forms.QueueArgsSchema(), request.args)
    filters = {"queue": True} | ({args["show"]: True} if args["show"] != "all" else {})
    page = concerns.list_concerns(actor, filters, now, args["page"], PER_PAGE)
    alerts = badges.list_alerts(actor, True, 1, 50).items
    complaints = feedback.list_complaints(actor, {"open": True}, now, 1, 50).items
    return _page(
        "queue.html",
        page=page,
        show=args["show"],
        alerts=alerts,
        complaints=complaints,
        now=now,
        due_soon=concerns.is_due_soon,
        category_labels=CATEGORY_LABELS,
        sensitive=(ConcernCategory.SAFEGUARDING, ConcernCategory.VULNERABLE_ADULT),
    )


@bp.post("/concerns/<uuid:concern_id>/acknowledge")
def acknowledge_concern(concern_id: uuid.UUID):
    body = forms.load(AcknowledgeSchema(), request.form)
    concerns.acknowledge(concern_id, body.get("note"), signin.user(), utcnow())
    flash("Concern acknowledged.")
    return redirect(_back(url_for("console.queue")), 303)


@bp.post("/concerns/<uuid:concern_id>/resolve")
def resolve_concern(concern_id: uuid.UUID):
    body = forms.load(forms.NoteSchema(), request.form, required=("note",))
    concerns.resolve(concern_id, body["note"], signin.user(), utcnow())
    flash("Concern resolved.")
    return redirect(_back(url_for("console.queue")), 303)


@bp.post("/complaints/<uuid:complaint_id>/respond")
def respond_to_complaint(complaint_id: uuid.UUID):
    body = forms.load(forms.NoteSchema(), request.form, required=("note",))
    feedback.respond(complaint_id, body["note"], signin.user(), utcnow())
    flash("Response recorded; the complaint is closed.")
    return redirect(url_for("console.queue"), 303)


@bp.post("/badge-alerts/<uuid:alert_id>/acknowledge")
def acknowledge_badge_alert(alert_id: uuid.UUID):
    forms.load(StrictSchema(), request.form)
    badges.acknowledge_alert(alert_id, signin.user(), utcnow())
    flash("Badge alert acknowledged.")
    return redirect(url_for("console.queue"), 303)


# The outbox ----------------------------------------------------------------------------------------


@bp.get("/messages")
def message_list():
    """The outbox, newest first: what went to whom (a tenant's address masked), what is waiting and what failed."""
    filters = forms.load(forms.MessageFilterSchema(), request.args)
    page = messages.list_messages(signin.user(), filters, filters["page"], PER_PAGE)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return _page("messages.html", page=page, states=list(MessageState), args=request.args, query=query)


# Badges --------------------------------------------------------------------------------------------


@bp.get("/badges")
def badge_list():
    """Badges you may see; contractor admins issue, suspend, reinstate and revoke their operatives'."""
    actor = signin.user()
    page = badges.list_badges(actor, None, None, forms.load(forms.QueueArgsSchema(), request.args)["page"], 50)
    return _page(
        "badges.html",
        page=page,
        holders=console.badge_holders(actor),
        manages=lambda badge: actor.role == Role.ADMIN and badge.user.organisation_id == actor.organisation_id,
    )


@bp.post("/badges")
def issue_badge():
    body = forms.load(forms.IssueBadgeSchema(), request.form)
    badge = badges.issue(body["operative"], body["expires_at"], signin.user(), utcnow())
    flash(f"Badge {badges.display_short_code(badge.short_code)} issued to {badge.user.name}.")
    return redirect(url_for("console.badge_list"), 303)


@bp.post("/badges/<uuid:badge_id>/suspend")
def suspend_badge(badge_id: uuid.UUID):
    body = forms.load(SuspendSchema(), request.form)
    badge = badges.suspend(badge_id, body.get("reason"), signin.user(), utcnow())
    flash(f"{badge.user.name}'s badge is suspended.")
    return redirect(url_for("console.badge_list"), 303)


@bp.post("/badges/<uuid:badge_id>/reinstate")
def reinstate_badge(badge_id: uuid.UUID):
    forms.load(StrictSchema(), request.form)
    badge = badges.reinstate(badge_id, signin.user(), utcnow())
    flash(f"{badge.user.name}'s badge is active again.")
    return redirect(url_for("console.badge_list"), 303)


@bp.post("/badges/<uuid:badge_id>/revoke")
def revoke_badge(badge_id: uuid.UUID):
    body = forms.load(forms.ReasonSchema(), request.form, required=("reason",))
    badge = badges.revoke(badge_id, body["reason"], signin.user(), utcnow())
    flash(f"{badge.user.name}'s badge is revoked for good.")
    return redirect(url_for("console.badge_list"), 303)


@bp.get("/badges/<uuid:badge_id>/card.pdf")
def badge_card_pdf(badge_id: uuid.UUID):
    return _pdf(documents.badge_card_pdf(badge_id, signin.user()), f"badge-card-{badge_id}.pdf")
