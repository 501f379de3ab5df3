"""Background jobs of the screening app (registered on import; see models.py)."""

from __future__ import annotations

from certguard.core.jobs import job_handler


def _lost(*, job, reason: str) -> bool:
    from certguard.screening.services import run_job_lost

    return run_job_lost(job_id=job.pk, reason=reason)


@job_handler("screening_run", action="screening.run", on_abandon=_lost)
def screening_run(*, job, progress) -> dict:
    from certguard.screening.execute import run_execute

    return run_execute(run_id=job.params["run_id"], progress=progress)
