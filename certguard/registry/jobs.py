"""Background job: import an uploaded certificates file, with progress and a per-row report."""

from __future__ import annotations

from pathlib import Path

from certguard.core.jobs import Progress, job_handler
from certguard.core.models import Job
from certguard.orgs.models import User
from certguard.registry.importer import certificates_import


@job_handler("registry_import", action="certificates.import")
def import_certificates(*, job: Job, progress: Progress) -> dict:
    progress(0, None, "正在检查文件")
    user = User.objects.get(pk=job.owner_id)
    upload = Path(job.params["path"])
    report = certificates_import(by=user, path=upload, dry_run=job.params.get("dry_run", False),
                                 progress=progress, report_path=upload.with_suffix(".rejected.csv"))
    return report.as_dict(limit=200)
