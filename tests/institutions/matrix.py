"""One of each record of the institutions' self-inspection in county A, for the permission
matrix and the query-count baselines: an upload with its findings, a plan, a period, filings
of the training institution and of the provincial issuing authority."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from certguard.institutions import services
from certguard.institutions.models import Finding, Period
from certguard.institutions.reference import CHECKLISTS
from tests.institutions.records import training_file


def institution_records(world) -> dict:
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    upload = services.upload_create(by=user, file_name="k.csv",
                                    data=training_file(org.credit_code))
    finding = Finding.objects.filter(organisation=org, rule="R12").get()
    plan = services.plan_create(by=user, finding_id=finding.pk, measures="补课",
                                deadline=timezone.localdate() + timedelta(days=20))
    today = timezone.localdate()
    period = Period.objects.create(name="本季度", start=today - timedelta(days=30),
                                   end=today + timedelta(days=30),
                                   closes_on=today + timedelta(days=30))
    answers = {i.key: {"situation": "已自查"} for i in CHECKLISTS["training"]}
    filing = services.filing_file(by=user, period_id=period.pk, answers=answers)
    return {"upload": upload, "finding": finding, "plan": plan, "period": period,
            "filing": filing}
