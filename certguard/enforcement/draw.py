"""The verifiable 双随机 draw, as pure functions (no Django): anyone holding the published
registers, parameters and seed re-runs :func:`select` and gets the same result.

Registers are canonical CSV texts (sorted by id, ``\\n`` line ends), hashed with SHA-256:

- units: ``id,kind,sector,risk_tier,region``
- inspectors: ``id,organisation,region,department,recused`` (recused: unit ids joined by ``;``)

Selection: each unit's share is its stratum's percent (sector + risk tier; a "" sector row
applies to every sector). Within a stratum units are ordered by key(seed|unit|id) — the first
8 bytes of its SHA-256 as a big-endian integer, ties by id — and the first
⌈n × percent / 100⌉ are targets. Inspectors are ordered by key(seed|inspector|id);
each target (in id order) takes the next ``per_team`` eligible inspectors of its area in that
order, round robin: eligible = the inspector's region contains the unit's (or, for a cross
check, another county of the same city), and the unit is not among their recusals."""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

UNIT_HEADER = "id,kind,sector,risk_tier,region"
INSPECTOR_HEADER = "id,organisation,region,department,recused"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def units_text(rows) -> str:
    """rows: (id, kind, sector, risk_tier, region) in any order."""
    lines = [UNIT_HEADER] + [f"{i},{k},{s},{t},{r}" for i, k, s, t, r in sorted(rows)]
    return "\n".join(lines) + "\n"


def inspectors_text(rows) -> str:
    """rows: (id, organisation id, region, department, recused unit ids)."""
    lines = [INSPECTOR_HEADER] + [
        f"{i},{o},{r},{d},{';'.join(str(u) for u in sorted(rec))}"
        for i, o, r, d, rec in sorted(rows, key=lambda row: row[0])]
    return "\n".join(lines) + "\n"


def _prefix(code: str) -> str:
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


@dataclass
class Outcome:
    targets: list[list] = field(default_factory=list)  # [unit id, [inspector ids]]
    unstaffed: list[int] = field(default_factory=list)  # targets without a full team

    def as_json(self) -> str:
        return json.dumps({"targets": self.targets, "unstaffed": self.unstaffed},
                          separators=(",", ":"))

    @property
    def digest(self) -> str:
        return sha256_text(self.as_json())


def _percent_of(proportions: list[dict]) -> dict[tuple[str, str], Decimal]:
    return {(p.get("sector", ""), p["risk_tier"]): Decimal(str(p["percent"]))
            for p in proportions}


def _keyer(seed: str, what: str):
    """key(id) = the first 8 bytes of SHA-256("seed|what|id") (compared as bytes, i.e. as a
    big-endian integer)."""
    prefix = f"{seed}|{what}|".encode()
    sha = hashlib.sha256

    def key(ident: bytes) -> bytes:
        return sha(prefix + ident).digest()[:8]

    return key


def select(*, seed: str, units: str, inspectors: str, proportions: list[dict],
           per_team: int = 2, cross_county: bool = False) -> Outcome:
    """The draw. ``units`` and ``inspectors`` are the canonical register texts."""
    percent = {(s.encode(), t.encode()): v for (s, t), v in _percent_of(proportions).items()}
    # each unit as one bytes value: its 8-byte key, then its line (sorting bytes is fast)
    strata: dict[tuple[bytes, bytes], list[bytes]] = defaultdict(list)
    prefix = f"{seed}|unit|".encode()
    sha = hashlib.sha256
    for line in units.encode().split(b"\n")[1:]:
        if not line:
            continue
        raw_id, _kind, sector, tier, _region = line.split(b",")
        strata[(sector, tier)].append(sha(prefix + raw_id).digest()[:8] + line)
    chosen: list[tuple[int, str]] = []
    for (sector, tier), members in strata.items():
        share = percent.get((sector, tier), percent.get((b"", tier), Decimal(0)))
        if share <= 0:
            continue
        take = math.ceil(len(members) * share / 100)
        members.sort()
        for entry in members[:take]:
            fields = entry[8:].split(b",")
            chosen.append((int(fields[0]), fields[4].decode()))
    chosen.sort()

    inspector_key = _keyer(seed, "inspector")
    ranked: list[tuple[bytes, int, str, frozenset[int]]] = []
    for row in inspectors.split("\n")[1:]:
        if not row:
            continue
        iid, _org, region, _dept, recused = row.split(",")
        ranked.append((inspector_key(iid.encode()), int(iid), region,
                       frozenset(int(u) for u in recused.split(";") if u) if recused
                       else frozenset()))
    ranked.sort()
    # inspectors by the prefix of their region (county, city or province), in rank order
    by_prefix: dict[str, list[tuple[int, int, frozenset[int], str]]] = defaultdict(list)
    for rank, (_, ident, place, excluded) in enumerate(ranked):
        by_prefix[_prefix(place)].append((rank, ident, excluded, place))
    pools: dict[str, list[tuple[int, int, frozenset[int], str]]] = {}
    pointers: dict[str, int] = {}
    outcome = Outcome()
    for uid, region in chosen:
        area = region[:4] if cross_county else region
        pool = pools.get(area)
        if pool is None:
            if cross_county:  # county-level inspectors of the same city (own county skipped)
                pool = sorted(row for prefix, rows in by_prefix.items()
                              if len(prefix) == 6 and prefix[:4] == region[:4] for row in rows)
            else:  # inspectors whose region contains the unit's: county, city, province
                pool = sorted(by_prefix.get(region, []) + by_prefix.get(region[:4], [])
                              + by_prefix.get(region[:2], []))
            pools[area] = pool
        team: list[int] = []
        start = pointers.get(area, 0)
        size = len(pool)
        step = 0
        while len(team) < per_team and step < size:
            _, member, barred, own = pool[(start + step) % size]
            step += 1
            if uid in barred or (cross_county and own == region):
                continue
            team.append(member)
        pointers[area] = (start + step) % size if size else 0
        outcome.targets.append([uid, team])
        if len(team) < per_team:
            outcome.unstaffed.append(uid)
    return outcome


@dataclass
class Check:
    ok: bool
    differences: list[str]


def verify(*, manifest: dict, units: str, inspectors: str) -> Check:
    """Re-run a published draw: ``manifest`` holds seed, commitment, params, register hashes
    and the result as published. Names every difference found."""
    problems = []
    seed = manifest.get("seed", "")
    if manifest.get("commitment") and sha256_text(seed) != manifest["commitment"]:
        problems.append("随机种子与事先公布的种子承诺（SHA-256）不符")
    if sha256_text(units) != manifest.get("units_hash"):
        problems.append("检查对象名录库的哈希与公布值不符")
    if sha256_text(inspectors) != manifest.get("inspectors_hash"):
        problems.append("执法检查人员名录库的哈希与公布值不符")
    params = manifest.get("params", {})
    outcome = select(seed=seed, units=units, inspectors=inspectors,
                     proportions=params.get("proportions", []),
                     per_team=int(params.get("per_team", 2)),
                     cross_county=bool(params.get("cross_county", False)))
    published = manifest.get("result", {})
    if outcome.digest != manifest.get("result_hash"):
        problems.append("重新抽取的结果哈希与公布值不符")
    elif outcome.targets == published.get("targets") and \
            outcome.unstaffed == published.get("unstaffed"):
        return Check(ok=not problems, differences=problems)  # the same: nothing to name
    mine = {uid: team for uid, team in outcome.targets}
    theirs = {uid: team for uid, team in published.get("targets", [])}
    for uid in sorted(set(mine) - set(theirs))[:20]:
        problems.append(f"重新抽取选中了检查对象 {uid}，公布结果中没有")
    for uid in sorted(set(theirs) - set(mine))[:20]:
        problems.append(f"公布结果中的检查对象 {uid} 未被重新抽取选中")
    for uid in sorted(set(mine) & set(theirs))[:100000]:
        if mine[uid] != theirs[uid]:
            problems.append(f"检查对象 {uid} 的检查人员不同：重新抽取 {mine[uid]}，"
                            f"公布 {theirs[uid]}")
            if len(problems) > 40:
                break
    return Check(ok=not problems, differences=problems)
