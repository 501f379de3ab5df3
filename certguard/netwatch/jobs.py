"""Background jobs of network governance: scoring an uploaded feed, classifying an uploaded
file of ad texts, and the scheduled recheck of handed-over sites."""

from __future__ import annotations

from datetime import timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings

from certguard.core.jobs import Progress, job_handler
from certguard.core.models import Job
from certguard.core.schedule import periodic
from certguard.netwatch.cli import AD_LINE_BYTES, DOMAIN_LINE_BYTES
from certguard.netwatch.errors import NetwatchError
from certguard.netwatch.feed import looks_binary, read_lines


def _owner(job: Job):
    return job.owner


def _open(path: Path):
    handle = open(path, "rb")
    if looks_binary(handle):
        handle.close()
        raise NetwatchError("input_binary", "上传的文件含有二进制内容（如压缩包、图片或 Office "
                                            "文件），不是每行一条记录的文本文件")
    return handle


class _Counted:
    """Lines read so far (for progress by bytes)."""

    def __init__(self, handle, progress: Progress, total: int) -> None:
        self.handle, self.progress, self.total = handle, progress, total

    def lines(self, max_bytes: int):
        for number, line in enumerate(read_lines(self.handle, max_bytes=max_bytes), 1):
            if number % 20000 == 0:
                self.progress(self.handle.tell(), self.total, f"已读 {number:,} 行")
            yield line


@job_handler("netwatch_feed", action="netwatch.work")
def netwatch_feed(*, job: Job, progress: Progress) -> dict:
    from certguard.netwatch.services import domains_score

    path = Path(job.params["path"])
    try:
        with _open(path) as handle:
            reader = _Counted(handle, progress, path.stat().st_size)
            run = domains_score(by=_owner(job), lines=reader.lines(DOMAIN_LINE_BYTES),
                                source=job.params.get("source", "feed"), collect=False)
    finally:
        path.unlink(missing_ok=True)  # the feed itself is not evidence; the suspects are
    if not run.counts and not run.rejected:
        raise NetwatchError("input_empty", f"文件中没有域名（空行 {run.blank} 行）")
    return {"file_name": job.params.get("file_name", ""), **run.as_dict(results=False)}


@job_handler("netwatch_ads", action="netwatch.work")
def netwatch_ads(*, job: Job, progress: Progress) -> dict:
    from certguard.netwatch.services import ads_classify

    path = Path(job.params["path"])
    counts: dict[str, int] = {}
    kept = blank = 0
    rejected: list[dict] = []
    try:
        with _open(path) as handle:
            reader = _Counted(handle, progress, path.stat().st_size)
            lines = reader.lines(AD_LINE_BYTES)
            while batch := list(islice(lines, 2000)):
                texts = []
                for line in batch:
                    if line.problem == "blank":
                        blank += 1
                    elif line.problem:
                        rejected.append({"line": line.number, "message": line.message})
                    else:
                        texts.append(line.text or "")
                run = ads_classify(by=_owner(job), texts=texts, source="file",
                                   where=job.params.get("where", ""),
                                   keywords_id=job.params.get("keywords_id"))
                kept += run.kept
                for verdict, n in run.counts.items():
                    counts[verdict] = counts.get(verdict, 0) + n
    finally:
        path.unlink(missing_ok=True)
    if not counts and not rejected:
        raise NetwatchError("input_empty", "文件中没有文本")
    return {"file_name": job.params.get("file_name", ""), "counts": counts, "kept": kept,
            "blank": blank, "rejected": rejected[:200], "rejected_count": len(rejected)}


@job_handler("netwatch_recheck", action="netwatch.work")
def netwatch_recheck(*, job: Job, progress: Progress) -> dict:
    from certguard.core.scoping import COMMAND_LINE
    from certguard.netwatch.handover import handovers_recheck_due

    progress(0, None, "正在复查已移交的网站")
    return handovers_recheck_due(by=job.owner or COMMAND_LINE)


periodic("netwatch_recheck", every=timedelta(hours=settings.NETWATCH_RECHECK_HOURS),
         title="复查已移交的仿冒网站")
