"""Workflows of network governance: score domains, classify ads, keep what is suspect, publish
the versioned lists, capture evidence, and turn a suspect into a clue. Handovers are in
``handover``. Every function is keyword-only and asks the policy first."""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from certguard.catalog.services import official_hosts_publish
from certguard.clues.services import clue_bulk_create
from certguard.core.audit import audit_record
from certguard.core.errors import AppError, NotFound
from certguard.core.policy import require
from certguard.core.scoping import Actor, UserLike
from certguard.netwatch import capture as cap
from certguard.netwatch import engines
from certguard.netwatch.errors import NetwatchError
from certguard.netwatch.feed import FeedLine, decode_line
from certguard.netwatch.hostnames import HostProblem, host_from_line
from certguard.netwatch.keywords import keyword_list_from_dict
from certguard.netwatch.models import Capture, KeywordList, SuspectAd, SuspectDomain
from certguard.netwatch.officials import official_hosts_from_dicts
from certguard.netwatch.reference import HOST_FAMILIES, RULE_AD, RULE_SITE

PASTE_MAX_LINES = 5000
AD_MAX_CHARS = 5000


def _org(actor: Actor) -> int:
    assert actor.organisation_id is not None  # _actor refused an actor without one
    return actor.organisation_id


def _actor(by: UserLike, action: str) -> Actor:
    actor = require(by, action)
    if actor.organisation_id is None or not actor.region_code:
        raise AppError("no_organisation", "请以所在单位的身份操作（当前账户未选择单位）")
    return actor


# --- the allow-list and the keyword lists (versioned data) ---------------------------------

def officials_publish(*, by: UserLike, text: str, note: str) -> int:
    """A new version of the official hosts from an administrator's JSON (a list, or
    {"hosts": [...]}); validated by the engine, stored by the catalogue."""
    try:
        data = json.loads(text)
    except ValueError:
        raise AppError("officials_invalid", "官方网址清单不是有效的 JSON") from None
    if isinstance(data, dict):
        data = data.get("hosts")
    if not isinstance(data, list):
        raise AppError("officials_invalid", "官方网址清单应为列表，或含 hosts 列表的对象")
    hosts = official_hosts_from_dicts(data)
    return official_hosts_publish(by=by, entries=[h.to_dict() for h in hosts], note=note)


def keyword_list_publish(*, by: UserLike, text: str, note: str) -> KeywordList:
    """A department's new keyword list version; the version number is the next one for that
    department, whatever the file says."""
    actor = require(by, "netwatch.keywords")
    try:
        data = json.loads(text)
    except ValueError:
        raise NetwatchError("keywords_invalid", "关键词清单不是有效的 JSON") from None
    if isinstance(data, dict) and not data.get("version"):
        data["version"] = 1
    parsed = keyword_list_from_dict(data)
    if not (note or "").strip():
        raise AppError("note_required", "请填写修订说明", fields={"note": ["请填写修订说明"]})
    with transaction.atomic():
        latest = KeywordList.objects.select_for_update().filter(
            department=parsed.department).order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        stored = keyword_list_from_dict({**parsed.to_dict(), "version": version})
        return KeywordList.objects.create(
            department=stored.department, version=version, data=stored.to_dict(),
            fingerprint=stored.fingerprint(), note=note.strip()[:300],
            published_by=actor.username)


def keyword_list_for(*, pk: int | None = None) -> KeywordList | None:
    """The chosen version, else the latest of any department (None: the package default)."""
    lists = KeywordList.objects.order_by("-created_at", "-id")
    if pk:
        found = lists.filter(pk=pk).first()
        if found is None:
            raise NotFound("keywords_not_found", "关键词清单不存在")
        return found
    return lists.first()


# --- domains ----------------------------------------------------------------------------------

@dataclass
class DomainRun:
    results: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    blank: int = 0
    rejected: list[dict] = field(default_factory=list)
    kept: int = 0
    officials_version: int = 0

    def as_dict(self, *, results: bool = True) -> dict:
        data = {"counts": self.counts, "blank": self.blank, "rejected": self.rejected[:200],
                "rejected_count": len(self.rejected), "kept": self.kept,
                "officials_version": self.officials_version}
        if results:
            data["results"] = self.results
        return data


def domains_score(*, by: UserLike, lines: Iterable[FeedLine], source: str,
                  keep: bool = True, collect: bool = True) -> DomainRun:
    """Score each line (a domain or URL); look-alikes are kept as suspects of the actor's
    organisation. Blank lines are counted, unreadable ones reported with their number."""
    actor = _actor(by, "netwatch.work")
    version, scorer = engines.scorer()
    run, suspects = DomainRun(officials_version=version), []
    for line in lines:
        if line.problem == "blank":
            run.blank += 1
            continue
        if line.problem:
            run.rejected.append({"line": line.number, "code": line.problem,
                                 "message": line.message})
            continue
        try:
            host = host_from_line(line.text or "")
        except HostProblem as problem:
            run.rejected.append({"line": line.number, "code": problem.code,
                                 "message": f"第 {line.number} 行：{problem.message}"})
            continue
        result = scorer.score(host).to_dict()
        run.counts[result["verdict"]] = run.counts.get(result["verdict"], 0) + 1
        if collect:
            run.results.append({"line": line.number, **result})
        if keep and result["verdict"] == "lookalike":
            suspects.append(result)
            if len(suspects) >= 2000:
                run.kept += _keep_domains(actor, suspects, source=source, version=version)
                suspects = []
    if keep:
        run.kept += _keep_domains(actor, suspects, source=source, version=version)
    return run


def text_lines(text: str, *, limit: int = PASTE_MAX_LINES) -> list[FeedLine]:
    raw = (text or "").encode("utf-8").splitlines()
    if len(raw) > limit:
        raise AppError("too_many_lines", f"一次最多粘贴 {limit} 行（现有 {len(raw)} 行），"
                                         "更多请上传文件", fields={"text": ["行数过多"]})
    return [decode_line(number, line) for number, line in enumerate(raw, 1)]


def _keep_domains(actor: Actor, results: list[dict], *, source: str, version: int) -> int:
    if not results:
        return 0
    by_domain = {r["domain"]: r for r in results}
    with transaction.atomic():
        existing = SuspectDomain.objects.filter(organisation_id=_org(actor),
                                                domain__in=list(by_domain))
        known = set(existing.values_list("domain", flat=True))
        existing.update(times_seen=F("times_seen") + 1, last_seen=timezone.now())
        new = [SuspectDomain(organisation_id=_org(actor), region_id=actor.region_code,
                             domain=d, verdict=r["verdict"], imitates=r["imitates"] or "",
                             score=r["score"], reasons=r["reasons"], source=source,
                             officials_version=version)
               for d, r in by_domain.items() if d not in known]
        for suspect in new:
            suspect.save()  # one audited entry per new suspect (a few per feed)
    return len(new)


# --- ads --------------------------------------------------------------------------------------

@dataclass
class AdRun:
    results: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    kept: int = 0
    keywords: str = "内置清单"

    def as_dict(self) -> dict:
        return {"results": self.results, "counts": self.counts, "kept": self.kept,
                "keywords": self.keywords}


def ads_classify(*, by: UserLike, texts: list[str], source: str, where: str = "",
                 keywords_id: int | None = None, keep: bool = True) -> AdRun:
    """Classify texts; selling ones are kept as suspects of the actor's organisation."""
    actor = _actor(by, "netwatch.work")
    chosen = keyword_list_for(pk=keywords_id)
    run = AdRun(keywords=str(chosen) if chosen else "内置清单（市场监管 第 1 版）")
    classifier = engines.classifier(chosen.data if chosen else None)
    for start in range(0, len(texts), 512):
        batch = [t[:AD_MAX_CHARS] for t in texts[start:start + 512]]
        for text, verdict in zip(batch, classifier.classify_many(batch), strict=True):
            result = {"text": text, **verdict.to_dict()}
            run.counts[verdict.verdict] = run.counts.get(verdict.verdict, 0) + 1
            run.results.append(result)
            if keep and verdict.verdict == "selling":
                run.kept += _keep_ad(actor, result, source=source, where=where, keywords=chosen,
                                     label=run.keywords)
    return run


def _keep_ad(actor: Actor, result: dict, *, source: str, where: str,
             keywords: KeywordList | None, label: str) -> int:
    digest = hashlib.sha256(result["text"].encode("utf-8")).hexdigest()
    _, created = SuspectAd.objects.get_or_create(
        organisation_id=_org(actor), text_sha256=digest,
        defaults={"region_id": actor.region_code, "text": result["text"], "source": source,
                  "where": where[:300], "verdict": result["verdict"], "score": result["score"],
                  "matched": result["matched"], "normalised": result["normalised"][:5000],
                  "evasions": result["evasions"], "keywords": keywords,
                  "keywords_label": label[:80]})
    return int(created)


def texts_from_paste(text: str) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise AppError("text_empty", "请粘贴至少一条文本（每行一条）", fields={"text": ["为空"]})
    if len(lines) > PASTE_MAX_LINES:
        raise AppError("too_many_lines", f"一次最多粘贴 {PASTE_MAX_LINES} 条，更多请上传文件",
                       fields={"text": ["行数过多"]})
    return lines


# --- evidence ---------------------------------------------------------------------------------

def capture_dir(pk: int) -> Path:
    return Path(settings.VAR_DIR) / "netwatch" / "captures" / str(pk)


def capture_site(*, by: UserLike, url: str, suspect_id: int | None = None,
                 reference_host: str = "", screenshot: bool = True) -> Capture:
    """Visit ``url`` and keep the evidence; the hashes go into the audit chain. A reference
    capture (of an official page) is what later captures are compared with."""
    actor = _actor(by, "netwatch.work")
    suspect = None
    if suspect_id is not None:
        suspect = SuspectDomain.objects.restrict(by, "netwatch.work").filter(
            pk=suspect_id).first()
        if suspect is None:
            raise NotFound("suspect_not_found", "疑似域名不存在或无权处理")
    _, hosts = engines.officials()
    official_hosts = {h.host for h in hosts}
    if reference_host and reference_host not in official_hosts:
        raise AppError("reference_unknown", f"{reference_host} 不在官方网址清单中")
    record = Capture.objects.create(suspect=suspect, organisation_id=_org(actor),
                                    region_id=actor.region_code, url=url[:2000],
                                    captured_at=timezone.now(), reference_host=reference_host)
    evidence = cap.collect(url, capture_dir(record.pk), official=bool(reference_host)
                           or _host(url) in official_hosts, screenshot=screenshot)
    similarity = cap.compare(evidence, _references(exclude=record.pk)) if evidence.ok else \
        cap.Similarity()
    points, reasons = cap.score(evidence, similarity,
                                domain_score=suspect.score if suspect else 0)
    _store(record, evidence, similarity, points, reasons)
    if suspect is not None and evidence.ok and suspect.status == "new":
        suspect.status = "captured"
        suspect.save(update_fields=["status", "updated_at"])
    audit_record(action="create", object_type="netwatch.capture", object_id=record.pk,
                 summary=f"网页取证：{url[:200]}",
                 data={"url": url[:500], "ok": evidence.ok, "error": evidence.error,
                       "files": evidence.files, "package_sha256": record.package_sha256,
                       "captured_at": record.captured_at.isoformat()}, user=by)
    return record


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower()


def _references(*, exclude: int) -> list[tuple[str, str, str]]:
    rows = Capture.objects.exclude(reference_host="").exclude(pk=exclude).filter(ok=True)
    return list(rows.values_list("reference_host", "tlsh", "phash")[:50])


def _store(record: Capture, evidence: cap.Evidence, similarity: cap.Similarity, points: int,
           reasons: list[str]) -> None:
    manifest = evidence.files.get("manifest.json", "")
    record.final_url, record.redirects = evidence.final_url[:2000], evidence.redirects[:20]
    record.http_status, record.ok = evidence.status, evidence.ok
    record.error_code, record.error = evidence.error_code, evidence.error[:500]
    record.html_sha256, record.screenshot_sha256 = evidence.html_sha256, \
        evidence.screenshot_sha256
    record.package_sha256, record.resources = manifest, evidence.resources
    record.tlsh, record.phash = evidence.tlsh, evidence.phash
    record.signals = {**evidence.signals, "reasons": reasons}
    record.similarity, record.score = similarity.as_dict(), points if evidence.ok else 0
    record.save()


# --- clues ------------------------------------------------------------------------------------

def _clue_file(rows: list[dict]) -> Path:
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8",
                                         newline="")
    with handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return Path(handle.name)


def clue_from_suspect(*, by: UserLike, kind: str, pk: int) -> int:
    """A suspect site or ad becomes a clue in the inbox (source 网络监测); returns its id."""
    actor = _actor(by, "netwatch.work")
    model, rule = (SuspectDomain, RULE_SITE) if kind == "domain" else (SuspectAd, RULE_AD)
    with transaction.atomic():
        suspect = model.objects.restrict(by, "netwatch.work").select_for_update().filter(
            pk=pk).first()
        if suspect is None:
            raise NotFound("suspect_not_found", "对象不存在或无权处理")
        if suspect.clue_id:
            raise AppError("clue_exists", f"已转为线索 #{suspect.clue_id}")
        row = _clue_row(suspect, kind)
        path = _clue_file([row])
        try:
            intake = clue_bulk_create(by=by, path=path, source_kind="netwatch", source_id=pk,
                                      organisation_id=_org(actor))
        finally:
            path.unlink(missing_ok=True)
        if intake.rejected:
            raise AppError("clue_outside", intake.rejected[0]["reason"])
        from certguard.clues.selectors import clues_for

        suspect.clue_id = clues_for(user=by).filter(
            source_kind="netwatch", source_id=pk, rule=rule).order_by("-id").values_list(
            "id", flat=True).first()
        suspect.save(update_fields=["clue_id", "updated_at"])
    return suspect.clue_id


def _clue_row(suspect, kind: str) -> dict:
    base = {"severity": "high", "cert_no": "", "id_no": "", "name": "", "employer_code": "",
            "institution_code": "", "exam_center_code": ""}
    if kind == "domain":
        detail = (f"疑似仿冒证书查询网站 {suspect.domain}"
                  + (f"（仿冒 {suspect.imitates}）" if suspect.imitates else "")
                  + f"，评分 {suspect.score}：" + "；".join(suspect.reasons))
        evidence = {"domain": suspect.domain, "imitates": suspect.imitates,
                    "score": suspect.score, "family": HOST_FAMILIES.get(suspect.imitates, ""),
                    "captures": list(suspect.captures.values_list("pk", flat=True)[:20])}
        return {**base, "rule": RULE_SITE, "subject": "website", "detail": detail,
                "evidence": json.dumps(evidence, ensure_ascii=False)}
    detail = f"疑似售卖证书的广告（评分 {suspect.score}，命中：{'、'.join(suspect.matched)}）：" \
             f"{suspect.text[:300]}"
    evidence = {"text": suspect.text[:2000], "where": suspect.where, "matched": suspect.matched,
                "evasions": suspect.evasions, "keywords": suspect.keywords_label}
    return {**base, "rule": RULE_AD, "subject": "ad", "detail": detail,
            "evidence": json.dumps(evidence, ensure_ascii=False)}


def suspect_dismiss(*, by: UserLike, kind: str, pk: int, reason: str) -> None:
    model = SuspectDomain if kind == "domain" else SuspectAd
    suspect = model.objects.restrict(by, "netwatch.work").filter(pk=pk).first()
    if suspect is None:
        raise NotFound("suspect_not_found", "对象不存在或无权处理")
    if not (reason or "").strip():
        raise AppError("reason_required", "排除须填写理由", fields={"reason": ["请填写理由"]})
    suspect.status, suspect.note = "dismissed", reason.strip()[:500]
    suspect.save(update_fields=["status", "note", "updated_at"])
