"""The background job of the self-check: verify one confirmed roster upload."""

from __future__ import annotations

from certguard.core.jobs import Progress, job_handler
from certguard.core.models import Job


@job_handler("selfcheck_verify", action="selfcheck.file")
def selfcheck_verify(*, job: Job, progress: Progress) -> dict:
    from certguard.selfcheck.services import upload_verify

    return upload_verify(upload_id=int(job.params["upload_id"]), progress=progress)
