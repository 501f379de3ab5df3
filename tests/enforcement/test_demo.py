"""The demo: a plan, a published draw that verifies, tasks in every state, findings,
documents, penalties, and work waiting for the demo inspector and head."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_demo_builds_enforcement(tmp_path):
    from django.core.management import call_command

    from certguard.enforcement import selectors, services
    from certguard.enforcement.models import Document, Draw, PenaltyDecision, Task
    from certguard.orgs.models import User

    call_command("demo")
    draw = Draw.objects.get(status="published")
    assert services.draw_verify(draw_id=draw.pk).ok
    statuses = set(Task.objects.values_list("status", flat=True))
    assert {"draft", "pending", "approved", "in_progress", "completed", "cancelled",
            "rejected"} <= statuses
    assert {"order", "record", "notice", "decision"} <= set(
        Document.objects.values_list("kind", flat=True))
    head = User.objects.get(username="demo_head")
    inspector = User.objects.get(username="demo_inspector")
    assert PenaltyDecision.objects.filter(review_status="pending").exists()
    assert selectors.overdue_clocks(user=head).exists()
    assert selectors.tasks_for(user=inspector).filter(status="in_progress").exists() or \
        selectors.tasks_for(user=inspector).filter(status="approved").exists()
    call_command("demo")  # again: nothing doubled
    assert Draw.objects.filter(status="published").count() == 1
