"""The allocations' console pages: the committee's policy, a month's preview by rule, and runs
that show progress. The templates are in `templates/console/allocations/`, beside this module."""

from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from wallet_server import clock
from wallet_server.allocations.background import carry_out_in_background
from wallet_server.allocations.history import (
    policy_decisions,
    recent_runs,
    runs_of_month,
    wallets_allocated,
)
from wallet_server.allocations.models import (
    AllocationMode,
    AllocationPolicy,
    AllocationRun,
    RunStatus,
)
from wallet_server.allocations.operations import (
    AllocationError,
    open_run,
    policy_for,
    preview_allocation,
    set_policy,
)
from wallet_server.console.access import (
    DECIDERS,
    FUND_STAFF,
    READERS,
    allow,
    audit,
    logged_in_user,
    may,
)
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_cents, form_month, form_text
from wallet_server.console.i18n import flash_ok, t
from wallet_server.console.nav import nav_entry
from wallet_server.console.query import query_month
from wallet_server.months import next_month
from wallet_server.web.request import db_session

#: seconds between two reloads of a run page while the run is going
REFRESH_SECONDS = 2

nav_entry("allocations", "console.allocations", roles=READERS, order=20)


def _policy_snapshot(policy: AllocationPolicy | None) -> dict[str, object] | None:
    if policy is None:
        return None
    return {
        "policy_id": policy.id,
        "effective_month": policy.effective_month,
        "amount_cents": policy.amount_cents,
        "extra_member_cents": policy.extra_member_cents,
        "mode": policy.mode,
        "carry_over_cap_cents": policy.carry_over_cap_cents,
        "note": policy.note,
    }


def _policy_in_force(session: Session, month: str) -> AllocationPolicy | None:
    try:
        return policy_for(session, month)
    except AllocationError:
        return None


@console.get("/allocations")
@allow(*READERS)
def allocations() -> str:
    return _index_page({}, None)


def _index_page(values: dict[str, str], error: FormError | None) -> str:
    session = db_session()
    month = clock.this_month()
    user = logged_in_user()
    return render_template(
        "console/allocations/index.html",
        month=month,
        next_month=next_month(month),
        in_force=_policy_in_force(session, month),
        decisions=policy_decisions(session),
        runs=recent_runs(session),
        modes=[mode.value for mode in AllocationMode],
        values=values,
        error=error,
        may_decide=may(user, DECIDERS),
    )


def _optional_cents(name: str) -> int | None:
    if not request.form.get(name, "").strip():
        return None
    return form_cents(name, allow_zero=True)


@console.post("/allocations/policy")
@allow(*DECIDERS)
def allocation_policy_record() -> tuple[str, int] | Response:
    """A committee decision: it applies from its month on; earlier months keep theirs."""
    try:
        effective_month = form_month("effective_month")
        amount_cents = form_cents("amount", allow_zero=True)
        extra_member_cents = _optional_cents("extra_member") or 0
        mode = request.form.get("mode", "")
        if mode not in {m.value for m in AllocationMode}:
            raise FormError(field="mode", text_key="form.required")
        carry_over_cap_cents = _optional_cents("carry_over_cap")
        note = form_text("note", required=False, max_length=500)
    except FormError as error:
        return _index_page(request.form.to_dict(), error), 422
    session = db_session()
    before = _policy_snapshot(_policy_in_force(session, effective_month))
    policy = set_policy(
        session,
        effective_month=effective_month,
        amount_cents=amount_cents,
        decided_by=f"user:{logged_in_user().username}",
        extra_member_cents=extra_member_cents,
        mode=AllocationMode(mode),
        carry_over_cap_cents=carry_over_cap_cents,
        note=note,
    )
    audit("allocation.policy", f"policy:{policy.id}", before=before, after=_policy_snapshot(policy))
    flash_ok(t("allocations.policy_recorded", month=effective_month))
    return redirect(url_for("console.allocations"))


@console.get("/allocations/preview")
@allow(*READERS)
def allocation_preview() -> tuple[str, int] | str:
    """The run's own arithmetic on today's balances, in savepoints rolled back: nothing kept."""
    try:
        month = query_month("month", "")
        if not month:  # the preview is of a month someone chose: there is no default
            raise FormError("month", "form.bad_month")
    except FormError as error:
        return _index_page(request.args.to_dict(), error), 422
    session = db_session()
    summary = preview_allocation(session, month=month)
    earlier = runs_of_month(session, month)
    return render_template(
        "console/allocations/preview.html",
        month=month,
        summary=summary,
        lines=summary.breakdown,
        policy=session.get(AllocationPolicy, summary.policy_id),
        already=wallets_allocated(session, month),
        earlier=earlier,
        in_progress=[run for run in earlier if run.status == RunStatus.RUNNING],
        may_run=may(logged_in_user(), FUND_STAFF),
    )


@console.post("/allocations/runs")
@allow(*FUND_STAFF)
def allocation_run_start() -> Response:
    """Open the run in this request's transaction (with its audit entry) and carry it out on
    a thread once that transaction is committed: the thread then sees the run row, and a
    request that fails starts nothing."""
    month = form_month("month")
    session = db_session()
    already = wallets_allocated(session, month)
    run = open_run(session, month=month, actor=f"user:{logged_in_user().username}")
    audit(
        "allocation.run",
        f"run:{run.id}",
        before={"month": month, "wallets_already_allocated": already},
        after={
            "run_id": run.id,
            "month": month,
            "policy_id": run.policy_id,
            "participants": run.participants,
            "status": run.status,
        },
    )
    sessions = current_app.extensions["caisse.sessions"]
    run_id = run.id

    def start(_committed: Session) -> None:
        carry_out_in_background(sessions, run_id)

    event.listen(session, "after_commit", start, once=True)
    return redirect(url_for("console.allocation_run", run_id=run_id))


@console.get("/allocations/runs/<int:run_id>")
@allow(*READERS)
def allocation_run(run_id: int) -> str:
    session = db_session()
    run = session.get(AllocationRun, run_id)
    if run is None:
        abort(404)
    return render_template(
        "console/allocations/run.html",
        run=run,
        policy=session.get(AllocationPolicy, run.policy_id),
        done=min(run.allocated + run.skipped, run.participants),
        refresh_seconds=REFRESH_SECONDS if run.status == RunStatus.RUNNING else None,
    )
