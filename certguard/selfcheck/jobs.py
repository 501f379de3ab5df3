"""The background job of the self-check: verify one confirmed roster upload."""

from __future__ import annotations

from certguard.core.jobs import Progress, job_handler
from certguard.core.models import Job


def _lost(*, job: Job, reason: str) -> bool:
    from certguard.selfcheck.services import upload_job_lost

    return upload_job_lost(job_id=job.pk, reason=reason)


@job_handler("selfcheck_verify", action="selfcheck.file", on_abandon=_lost)
def selfcheck_verify(*, job: Job, progress: Progress) -> dict:
    from certguard.selfcheck.services import upload_verify

    return upload_verify(upload_id=int(job.params["upload_id"]), progress=progress)
