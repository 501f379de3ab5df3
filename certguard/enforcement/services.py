"""Workflows of enforcement (the one entry point for pages, API, CLI and jobs): registers and
plans, the verifiable draw, tasks, on-site checks, documents, penalties and their clocks.
Each is a keyword-only function that asks the policy and writes through the audit."""

from __future__ import annotations

from certguard.enforcement.documents import (  # noqa: F401
    document_pdf,
    escalation_for,
    order_issue,
    record_issue,
    review_issue,
)
from certguard.enforcement.drawing import (  # noqa: F401
    draw_commit,
    draw_reveal,
    draw_verify,
    manifest,
    manifest_json,
    published_draw_ids,
    registers_of,
)
from certguard.enforcement.inspections import (  # noqa: F401
    Created,
    earlier_inspections,
    task_approve,
    task_cancel,
    task_complete,
    task_create,
    task_start,
    task_submit,
)
from certguard.enforcement.onsite import (  # noqa: F401
    Conflict,
    checklist_set,
    finding_add,
    finding_to_clue,
    photo_add,
    photo_path,
    sync_apply,
    worker_check,
)
from certguard.enforcement.penalties import (  # noqa: F401
    penalty_decide,
    penalty_deliver,
    penalty_notify,
    penalty_pay,
    penalty_propose,
    penalty_publish,
    penalty_review,
    penalty_suggest,
    suggest_for,
    surcharge,
)
from certguard.enforcement.registers import (  # noqa: F401
    cap_for,
    inspector_register,
    plan_approve,
    plan_create,
    recusal_add,
    register_sync,
    unit_risk_set,
)
