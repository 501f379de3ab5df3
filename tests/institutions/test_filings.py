"""Items 3 and 4: checklists per kind filed per period with the platform's figures beside the
answers (XLSX and PDF ready to stamp); plans with evidence; the regulator returns a filing
and turns a finding into a clue."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.institutions import checklists, services
from certguard.institutions.models import Filing, Finding
from tests.institutions.filings_data import answers, period
from tests.institutions.records import training_file

pytestmark = pytest.mark.django_db


def _filed(world, **extra) -> Filing:
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    data = training_file(org.credit_code, start=timezone.localdate() - timedelta(days=20))
    services.upload_create(by=user, file_name="k.csv", data=data)
    return services.filing_file(by=user, period_id=period(**extra).pk,
                                answers=answers("training"), principal="张校长")


def test_training_checklist_carries_the_platforms_figures(world):
    filing = _filed(world)
    assert filing.kind == "training" and not filing.late
    assert filing.figures["classes"]["value"] == 2
    assert filing.figures["short_hours"]["value"] == 1
    assert filing.figures["review_fakes"]["value"] == 1
    hours = dict((line[0][:10], line) for line in checklists.lines(filing))
    assert any("平台发现学时不足（人次）：1" in line[4] for line in hours.values())
    teachers = next(line for line in checklists.lines(filing) if "授课教师" in line[0])
    assert teachers[4] == ""  # the platform has no figure: it says nothing


def test_filing_after_the_period_closed_is_recorded_late(world):
    filing = _filed(world, closes_in=-1)
    assert filing.late
    assert services.late_message(filing).endswith("本次报送已记录为逾期报送")


def test_a_checklist_item_left_empty_saves_nothing(world):
    p = period()
    with pytest.raises(AppError) as caught:
        services.filing_file(by=world.user("institution_user", "A"), period_id=p.pk,
                             answers=answers("training") | {"hours": {"situation": " "}})
    assert caught.value.code == "text_required" and "自查情况" in caught.value.message
    assert not Filing.objects.exists()


def test_issuing_authority_files_its_counts(world):
    p = period()
    filing = services.filing_file(by=world.cast.issuer, period_id=p.pk,
                                  answers=answers("authority"), problems_found="3",
                                  procedures_streamlined=2)
    assert filing.kind == "authority" and filing.problems_found == 3
    assert filing.figures["issued"]["label"] == "本期初次发证（张）"


def test_returned_filing_is_refiled_and_only_then(world):
    filing = _filed(world)
    user = world.user("institution_user", "A")
    with pytest.raises(AppError) as caught:
        services.filing_file(by=user, period_id=filing.period_id, answers=answers("training"))
    assert caught.value.code == "already_filed"
    with pytest.raises(AppError) as caught:
        services.filing_return(by=world.user("inspector", "B"), filing_id=filing.pk,
                               reason="x")
    assert caught.value.status == 404  # another county's inspector
    services.filing_return(by=world.user("inspector", "A"), filing_id=filing.pk,
                           reason="第3项自查情况过于简单")
    again = services.filing_file(by=user, period_id=filing.period_id,
                                 answers=answers("training"))
    assert again.pk == filing.pk and again.status == "filed"


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_documents_open(world, tmp_path, fmt):
    filing = _filed(world)
    path = checklists.checklist_write(filing=filing, fmt=fmt, path=tmp_path / f"c.{fmt}")
    if fmt == "pdf":
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
        assert "安全培训机构自查自纠情况表" in out and "平台发现学时不足" in out
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(path).active
        texts = [c.value for row in sheet.iter_rows() for c in row if c.value]
        assert "主要负责人（签字）：" in texts and "安全培训机构自查自纠情况表" in texts


def test_plan_completes_only_with_evidence(world):
    filing = _filed(world)
    user = world.user("institution_user", "A")
    short = Finding.objects.get(organisation=filing.organisation, rule="R12")
    plan = services.plan_create(by=user, finding_id=short.pk, measures="补课",
                                deadline=timezone.localdate() + timedelta(days=7))
    with pytest.raises(AppError) as caught:
        services.plan_progress(by=user, plan_id=plan.pk, note="已完成", completes=True)
    assert caught.value.code == "evidence_required"
    services.plan_progress(by=user, plan_id=plan.pk, note="补课8学时，附签到表", completes=True,
                           evidence_name="签到表.jpg", evidence=b"\xff\xd8photo")
    plan.refresh_from_db()
    short.refresh_from_db()
    assert plan.status == "done" and short.status == "resolved"
    assert len(plan.progress.get().evidence_sha256) == 64


def test_regulator_turns_a_finding_into_a_clue(world):
    from certguard.clues.selectors import clues_for

    filing = _filed(world)
    fake = Finding.objects.get(organisation=filing.organisation, rule="RV")
    inspector = world.user("inspector", "A")
    clue_id = services.finding_refer(by=inspector, finding_id=fake.pk)
    clue = clues_for(user=inspector).get(pk=clue_id)
    assert clue.source_kind == "institution" and clue.region_id == "140521"
    assert clue.institution_code == filing.organisation.credit_code
    with pytest.raises(AppError) as caught:
        services.finding_refer(by=inspector, finding_id=fake.pk)
    assert caught.value.code == "clue_exists"
    with pytest.raises(AppError) as caught:
        services.finding_refer(by=world.user("institution_user", "A"), finding_id=fake.pk)
    assert caught.value.status == 403


def test_documents_render_in_libreoffice_and_pdftoppm(world, tmp_path):
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice and shutil.which("pdftoppm"), "`make test` installs LibreOffice and poppler"
    filing = _filed(world)
    book = checklists.checklist_write(filing=filing, fmt="xlsx", path=tmp_path / "c.xlsx")
    pdf = checklists.checklist_write(filing=filing, fmt="pdf", path=tmp_path / "c.pdf")
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo"), str(book)],
                   check=True, capture_output=True, timeout=300)
    for rendered in (pdf, tmp_path / "lo" / "c.pdf"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(rendered), str(tmp_path / "p")],
                       check=True, capture_output=True, timeout=120)
        text = subprocess.run(["pdftotext", str(rendered), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "主要负责人（签字）" in text and "单位（盖章）" in text
    assert list(tmp_path.glob("p-*.png"))
