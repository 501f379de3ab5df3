"""Benchmark: full offline verification of a signed payload (prefix → signature → expiry) per
algorithm, against the bare library signature check of the same bytes in the same run.

On a shared, noisy machine the ratio full/baseline is the figure to compare across runs; the
absolute rates are the best of several short rounds, pinned to one core when the OS allows.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from certguard.ecert import algorithms, codec, cose, keys
from certguard.ecert.fields import from_mapping
from certguard.ecert.issue import sign_certificate
from certguard.ecert.trustlist import from_public_key
from certguard.ecert.verifier import verify_payload

TARGETS = {"Ed25519": 5000, "SM2": 1000}
SAMPLE_FIELDS = {
    "cert_no": "T110101199003076515", "id_no": "110101199003076515", "name": "张三丰",
    "family": "special_ops", "item_code": "DG01", "issuer_code": "110000",
    "valid_from": "2024-03-01", "valid_until": "2030-02-28", "review_due": "2027-03-01",
    "status": "valid",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=1.0,
                        help="time per measurement round (default 1.0)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure (default 3)")
    parser.add_argument("--algs", default="ed25519,es256,ps256,sm2",
                        help="comma-separated algorithms")
    parser.add_argument("--cpu", type=int, default=None,
                        help="pin to this CPU (default: the first allowed one; -1: no pinning)")


def _rate(fn: Callable[[], Any], *, seconds: float, rounds: int) -> dict[str, float]:
    rates = []
    for _ in range(max(1, rounds)):
        count, start = 0, time.perf_counter()
        deadline = start + seconds
        while True:
            for _ in range(50):
                fn()
            count += 50
            now = time.perf_counter()
            if now >= deadline:
                break
        rates.append(count / (now - start))
    return {"best": round(max(rates), 1), "median": round(statistics.median(rates), 1)}


def _pin(cpu: int | None) -> int | None:
    if not hasattr(os, "sched_setaffinity") or cpu == -1:
        return None
    allowed = sorted(os.sched_getaffinity(0))
    chosen = cpu if cpu is not None else allowed[0]
    os.sched_setaffinity(0, {chosen})
    return chosen


def bench_alg(name: str, *, seconds: float, rounds: int) -> dict[str, Any]:
    alg = algorithms.alg_from_name(name)
    key = keys.generate(alg=alg, authority="110000")
    fields = from_mapping(SAMPLE_FIELDS)
    payload = sign_certificate(fields=fields, key=key,
                               issued_at=datetime(2025, 1, 1, tzinfo=UTC))
    trust = from_public_key(key.public)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    if not verify_payload(payload, trust=trust, at=at).valid:
        raise RuntimeError(f"{name}: the benchmark payload does not verify")
    sign1 = cose.decode_sign1(codec.inflate(codec.b45decode(codec.split_prefix(payload)[1])))
    tbs, signature, public = sign1.to_be_signed(), sign1.signature, key.public
    full = _rate(lambda: verify_payload(payload, trust=trust, at=at),
                 seconds=seconds, rounds=rounds)
    baselines = {_library(alg): _rate(lambda: algorithms.verify(alg, public.key, signature, tbs),
                                      seconds=seconds, rounds=rounds)}
    sodium = _sodium_baseline(alg, public, signature, tbs)
    if sodium is not None:
        baselines["libsodium"] = _rate(sodium, seconds=seconds, rounds=rounds)
    target = TARGETS.get(algorithms.ALG_NAMES[alg])
    return {
        "alg": algorithms.ALG_NAMES[alg], "payload_chars": len(payload),
        "full_per_s": full, "baseline_per_s": baselines,
        "ratio_full_to_baseline": {name: round(full["best"] / rate["best"], 3)
                                   for name, rate in baselines.items()},
        "target_per_s": target,
        "meets_target": None if target is None else full["best"] >= target,
    }


def _library(alg: int) -> str:
    return "tongsuopy" if alg == algorithms.ALG_SM2_SM3 else "cryptography"


def _sodium_baseline(alg: int, public: Any, signature: bytes, tbs: bytes
                     ) -> Callable[[], Any] | None:
    """The bare libsodium call, when PyNaCl serves the Ed25519 path (see algorithms)."""
    if alg != algorithms.ALG_EDDSA or algorithms.ed25519_backend() != "libsodium":
        return None
    from cryptography.hazmat.primitives import serialization
    from nacl.signing import VerifyKey

    key = VerifyKey(public.key.public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw))
    return lambda: key.verify(tbs, signature)


def run(options: dict[str, Any]) -> dict[str, Any]:
    seconds = float(options.get("seconds") or 1.0)
    rounds = int(options.get("rounds") or 3)
    names = [n for n in str(options.get("algs") or "ed25519,es256,ps256,sm2").split(",") if n]
    cpu = _pin(options.get("cpu"))
    results = [bench_alg(n.strip(), seconds=seconds, rounds=rounds) for n in names]
    return {
        "area": "ecert", "what": "full payload verification vs bare signature verify",
        "cpu": cpu, "python": platform.python_version(),
        "ed25519_backend": algorithms.ed25519_backend(), "seconds_per_round": seconds,
        "rounds": rounds, "results": results,
    }
