"""The issuer's import screen: upload a certificates file; a job checks and loads it."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render

from certguard.core import selectors as core_selectors
from certguard.core.exports import Export, download
from certguard.core.jobs import job_start
from certguard.core.policy import requires
from certguard.core.scoping import actor_of

SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".xls", ".parquet")
MAX_BYTES = 1024 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label="证书数据文件（交换格式：CSV、CSV.GZ、XLSX、Parquet）")
    dry_run = forms.BooleanField(label="只检查，不写入", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError("只接受 CSV、CSV.GZ、XLSX、XLS 或 Parquet 文件")
        if upload.size == 0:
            raise forms.ValidationError("文件是空的")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "文件超过1GB，请分批导入或使用命令行 certguard registry import")
        return upload


def _store(upload) -> Path:
    suffix = next(s for s in SUFFIXES if upload.name.lower().endswith(s))
    folder = Path(settings.VAR_DIR) / "uploads" / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@requires("certificates.import")
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_start(kind="registry_import", title=f"导入证书：{upload.name}",
                        owner=request.user,
                        organisation_id=actor_of(request.user).organisation_id,
                        params={"path": str(_store(upload)), "file_name": upload.name,
                                "dry_run": form.cleaned_data["dry_run"]})
        return redirect("issuer:import_result", pk=job.pk)
    return render(request, "registry/issuer/import.html", {"form": form})


@requires("certificates.import")
def import_result(request, pk: int):
    job = core_selectors.jobs_for(user=request.user).filter(pk=pk, kind="registry_import").first()
    if job is None:
        raise Http404
    template = "_import_job.html" if request.GET.get("partial") else "import_result.html"
    return render(request, f"registry/issuer/{template}", {"job": job})


@requires("certificates.import")
def import_rejects(request, pk: int):
    job = core_selectors.jobs_for(user=request.user).filter(pk=pk, kind="registry_import").first()
    if job is None or not job.finished:
        raise Http404
    path = Path(job.params["path"]).with_suffix(".rejected.csv")
    if not path.exists():
        raise Http404
    return download(user=request.user, path=path,
                    filename=f"{Path(job.params['file_name']).stem}-被拒绝的行.csv",
                    export=Export(object_type="core.job", object_id=job.pk,
                                  summary=f"下载导入被拒绝的行：{job.params['file_name']}"))
