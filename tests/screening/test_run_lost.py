"""A screening run whose worker died: the run follows its job (failed, with the reason, no
clue kept) and its runner starts it again from a clean state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from certguard.clues.models import Clue
from certguard.core.jobs import job_reap
from certguard.core.models import Job
from certguard.screening import services
from certguard.screening.inputs import run_dir
from certguard.screening.models import ScreeningRun
from tests.screening.conftest import upload


def test_a_run_whose_worker_died_fails_and_can_be_run_again(
        cast, synth_files, verified_client, django_capture_on_commit_callbacks):
    uploads = {k: upload(p) for k, p in synth_files.files.items()}
    run = services.run_create(by=cast.admin, uploads=uploads, as_of=synth_files.as_of)
    # The worker took the job, wrote part of a clue file, and was killed.
    stale = timezone.now() - timedelta(minutes=5)
    Job.objects.filter(pk=run.job_id).update(status=Job.Status.RUNNING, heartbeat_at=stale,
                                             started_at=stale)
    ScreeningRun.objects.filter(pk=run.pk).update(status=ScreeningRun.Status.RUNNING)
    (run_dir(run.pk) / services.CLUE_FILE).write_bytes(b"PAR1 half")
    assert job_reap() == [run.job_id]
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.FAILED and "意外中断" in run.error
    assert not (run_dir(run.pk) / services.CLUE_FILE).exists()
    assert not Clue.objects.filter(source_kind="screening", source_id=run.pk).exists()

    client = verified_client(cast.admin)
    page = client.get(f"/screening/runs/{run.pk}/").content.decode()
    assert "意外中断" in page and 'data-testid="retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/screening/runs/{run.pk}/retry/")
    assert answer.status_code == 302
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.COMPLETE, run.error
    assert run.job.status == Job.Status.SUCCEEDED and run.error == ""
    assert Clue.objects.filter(source_kind="screening", source_id=run.pk).count() == run.clue_count
    # A completed run is not started again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/screening/runs/{run.pk}/retry/")
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.COMPLETE
