"""Item 6: the demo — the training institution and an exam centre have filed records with
planted problems, a filed checklist and a plan in progress; the issuing authority has filed;
the regulators have work waiting; the institution account's menu shows it."""

from __future__ import annotations

import pytest

from certguard.institutions.demo import demo_institutions_build
from certguard.institutions.models import Filing, Finding, Plan, RecordUpload
from certguard.orgs.demo import DEMO_PASSWORD, demo_world_build
from certguard.orgs.models import User

pytestmark = pytest.mark.django_db


def test_demo_has_work_for_every_role_and_reruns_safely(client):
    demo_world_build(seed=5)
    said = demo_institutions_build(password=DEMO_PASSWORD)
    assert "3 份自查表" in said
    rules = set(Finding.objects.values_list("rule", flat=True))
    assert {"R12", "R14", "R15", "RV"} <= rules
    assert Finding.objects.filter(rule="R14").count() == 2  # on both institutions' side
    rejected = {r["message"][:8] for u in RecordUpload.objects.all() for r in u.rejected}
    assert any(m.startswith("机构代码") for m in rejected)
    assert any(m.startswith("结业日期") for m in rejected)
    assert any(m.startswith("理论成绩") for m in rejected)
    assert Filing.objects.filter(kind="training").exists()
    assert Filing.objects.filter(kind="exam").exists()
    assert Filing.objects.get(kind="authority").problems_found == 3
    assert Plan.objects.get().progress.count() == 1
    counts = (Finding.objects.count(), Filing.objects.count(), RecordUpload.objects.count())
    demo_institutions_build(password=DEMO_PASSWORD)
    assert (Finding.objects.count(), Filing.objects.count(),
            RecordUpload.objects.count()) == counts

    client.force_login(User.objects.get(username="demo_institution"))
    home = client.get("/", follow=True).content.decode()
    assert "/institutions/" in home and "机构自查" in home
    page = client.get("/institutions/").content.decode()
    assert "培训学时不足" in page and "2026年专项治理自查自纠阶段" in page
    client.force_login(User.objects.get(username="demo_inspector"))
    page = client.get("/institutions/").content.decode()
    assert "沁水县安全技术培训学校" in page  # the county's own school, with findings to refer
