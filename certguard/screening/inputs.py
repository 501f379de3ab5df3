"""Input files of a run: stored under VAR_DIR/screening/<run>/ with their sha256 fingerprint."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from certguard.core.errors import AppError

KINDS = ("certificates", "roster", "training", "exams")
KIND_LABELS = {"certificates": "证书数据", "roster": "从业人员花名册", "training": "培训记录",
               "exams": "考试记录"}
SUFFIXES = (".csv", ".csv.gz", ".parquet")
MAX_BYTES = 2 * 1024 ** 3


def run_dir(run_id: int) -> Path:
    path = Path(settings.VAR_DIR) / "screening" / str(run_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_name(name: str) -> str:
    """The accepted suffix of an uploaded file's name (refused before anything is stored)."""
    return _suffix(name)


def _suffix(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return suffix
    raise AppError("input_format", f"文件 {name} 的格式不受支持，"
                   "请上传 CSV、CSV.GZ 或 Parquet 文件", fields={"file": ["格式不受支持"]})


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(*, kind: str, name: str, path: Path) -> dict:
    return {"kind": kind, "name": name, "size": path.stat().st_size,
            "sha256": file_sha256(path), "path": str(path)}


def store_upload(*, run_id: int, kind: str, upload) -> dict:
    """Copy an uploaded file into the run's directory, fingerprinting it on the way."""
    if upload.size > MAX_BYTES:
        raise AppError("input_too_large", f"{KIND_LABELS[kind]}文件超过 2 GB",
                       fields={kind: ["文件过大"]})
    target = run_dir(run_id) / f"{kind}{_suffix(upload.name)}"
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"kind": kind, "name": Path(upload.name).name[:200], "size": size,
            "sha256": digest.hexdigest(), "path": str(target)}


OUTSIDE_FILE = "clues.outside.csv"


def write_outside(run_id: int, rejected: list[dict]) -> Path:
    """The clues a run found outside its runner's scope, one line each with the reason (the
    per-row report of the intake; those clues were not written)."""
    from certguard.core.exports import CsvFile

    path = run_dir(run_id) / OUTSIDE_FILE
    with CsvFile(path, ["线索文件行号", "规则", "证书编号/身份证号/单位代码", "原因"]) as out:
        for row in rejected:
            out.write([row["line"], row["rule"], row["key"], row["reason"]])
    return path
