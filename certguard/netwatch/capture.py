"""Evidence of a suspect site: the page, its screenshot and resources, with hashes, and how
much it looks like a genuine query page.

Similarity is measured against reference captures of the official pages (captures marked
with ``reference_host``): TLSH (py-tlsh) of the HTML, a perceptual hash (imagehash pHash) of
the screenshot; the page's own signals (pagesignals) add to the score. All limits are in the
settings (NETWATCH_PAGE_MAX_BYTES …) so a hostile site costs a bounded amount."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from certguard.netwatch.fetch import FetchProblem, fetch
from certguard.netwatch.pagesignals import PageSignals, read_page
from certguard.netwatch.screenshot import ScreenshotProblem, take_screenshot

MAX_RESOURCES = 30
TLSH_CLOSE, TLSH_NEAR = 60, 120  # TLSH distance: 0 identical; under ~100 closely related
PHASH_CLOSE = 10  # of 64 bits


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tlsh_of(data: bytes) -> str:
    import tlsh

    value = tlsh.hash(data)
    return "" if not value or value == "TNULL" else value


def phash_of(png: Path) -> str:
    import imagehash
    from PIL import Image

    with Image.open(png) as image:
        return str(imagehash.phash(image))


@dataclass
class Evidence:
    url: str
    final_url: str = ""
    status: int | None = None
    redirects: list = field(default_factory=list)
    html_sha256: str = ""
    screenshot_sha256: str = ""
    resources: list = field(default_factory=list)
    tlsh: str = ""
    phash: str = ""
    signals: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)
    error_code: str = ""
    error: str = ""
    files: dict = field(default_factory=dict)  # name -> sha256 of the files in the folder

    @property
    def ok(self) -> bool:
        return not self.error_code


def collect(url: str, folder: Path, *, official: bool, screenshot: bool = True) -> Evidence:
    """Fetch ``url`` into ``folder``: page.html, screenshot.png, resources/NN, manifest.json."""
    folder.mkdir(parents=True, exist_ok=True)
    evidence = Evidence(url=url)
    try:
        page = fetch(url, max_bytes=settings.NETWATCH_PAGE_MAX_BYTES)
    except FetchProblem as problem:
        evidence.error_code, evidence.error = problem.code, problem.message
        _manifest(folder, evidence)
        return evidence
    evidence.final_url, evidence.status, evidence.redirects = (page.final_url, page.status,
                                                               page.redirects)
    _write(folder, "page.html", page.body, evidence)
    evidence.html_sha256 = evidence.files["page.html"]
    evidence.tlsh = tlsh_of(page.body)
    signals: PageSignals = read_page(page.text, base=page.final_url)
    evidence.signals, evidence.reasons = signals.as_dict(), signals.reasons(official=official)
    evidence.resources = _resources(signals.resources, folder, evidence)
    if screenshot:
        try:
            take_screenshot(page.final_url, folder / "screenshot.png")
        except ScreenshotProblem as problem:
            evidence.signals["screenshot_error"] = problem.message
        else:
            data = (folder / "screenshot.png").read_bytes()
            evidence.files["screenshot.png"] = evidence.screenshot_sha256 = sha256(data)
            evidence.phash = phash_of(folder / "screenshot.png")
    _manifest(folder, evidence)
    return evidence


def _write(folder: Path, name: str, data: bytes, evidence: Evidence) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    evidence.files[name] = sha256(data)


def _resources(urls: list[str], folder: Path, evidence: Evidence) -> list[dict]:
    found, budget = [], settings.NETWATCH_RESOURCES_MAX_BYTES
    for number, url in enumerate(urls[:MAX_RESOURCES], 1):
        entry: dict = {"url": url[:500]}
        try:
            got = fetch(url, max_bytes=min(settings.NETWATCH_RESOURCE_MAX_BYTES, max(budget, 1)),
                        deadline=10.0)
        except FetchProblem as problem:
            entry["error"] = problem.message
        else:
            budget -= len(got.body)
            name = f"resources/{number:02d}"
            _write(folder, name, got.body, evidence)
            entry.update(file=name, status=got.status, size=len(got.body),
                         sha256=evidence.files[name], type=got.content_type[:60])
        found.append(entry)
        if budget <= 0:
            break
    if len(urls) > MAX_RESOURCES:
        found.append({"note": f"页面共引用 {len(urls)} 个资源，只保存前 {MAX_RESOURCES} 个"})
    return found


def _manifest(folder: Path, evidence: Evidence) -> None:
    manifest = {"url": evidence.url, "final_url": evidence.final_url, "status": evidence.status,
                "redirects": evidence.redirects, "files": evidence.files,
                "error": evidence.error}
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    (folder / "manifest.json").write_bytes(data)
    evidence.files["manifest.json"] = sha256(data)


@dataclass
class Similarity:
    reference_host: str = ""
    tlsh_distance: int | None = None
    phash_distance: int | None = None

    def as_dict(self) -> dict:
        return {"reference_host": self.reference_host, "tlsh_distance": self.tlsh_distance,
                "phash_distance": self.phash_distance}


def compare(evidence: Evidence, references: list[tuple[str, str, str]]) -> Similarity:
    """The closest reference page: (host, tlsh, phash) each."""
    import imagehash
    import tlsh

    best = Similarity()
    for host, ref_tlsh, ref_phash in references:
        t = tlsh.diff(evidence.tlsh, ref_tlsh) if evidence.tlsh and ref_tlsh else None
        p = (int(imagehash.hex_to_hash(evidence.phash) - imagehash.hex_to_hash(ref_phash))
             if evidence.phash and ref_phash else None)
        key = (t if t is not None else 999) + (p or 0) * 5
        best_key = ((best.tlsh_distance if best.tlsh_distance is not None else 999)
                    + (best.phash_distance or 0) * 5)
        if not best.reference_host or key < best_key:
            best = Similarity(host, t, p)
    return best


def score(evidence: Evidence, similarity: Similarity, *, domain_score: int) -> tuple[int, list]:
    """0-100: how strongly the captured page imitates an official query page, with reasons."""
    points, reasons = domain_score // 2, list(evidence.reasons)
    signals = evidence.signals
    points += 35 if signals.get("fake_form") else 0
    points += 15 if signals.get("emblem") else 0
    points += 15 if signals.get("badge") else 0
    t, p = similarity.tlsh_distance, similarity.phash_distance
    if t is not None and t <= TLSH_NEAR:
        points += 30 if t <= TLSH_CLOSE else 15
        reasons.append(f"网页源码与 {similarity.reference_host} 的官方页面高度相似"
                       f"（TLSH 距离 {t}）")
    if p is not None and p <= PHASH_CLOSE:
        points += 25
        reasons.append(f"页面截图与 {similarity.reference_host} 的官方页面外观相似"
                       f"（感知哈希相差 {p} 位）")
    return min(points, 100), reasons
