"""EU DCC conformance vectors: unprefix, base45, zlib, COSE signature and expiry steps.

Each vector file carries the layers of one payload (PREFIX → BASE45 → COMPRESSED → COSE) and
EXPECTED* flags; true must succeed, false must fail, an absent flag is not tested. Each stage is
fed the vector's own input for that stage when the file has one, else the previous stage's output,
so a vector that only carries COSE (e.g. the kid cases) still tests its signature.
"""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from certguard.ecert import codec, cose, keys, verifier
from certguard.ecert.errors import EcertError

# CI clones the repository with shared/ beside it; CERTGUARD_DCC_VECTORS overrides the location.
VECTORS = Path(os.environ.get(
    "CERTGUARD_DCC_VECTORS",
    Path(__file__).resolve().parents[3] / "shared" / "conformance" / "dcc-testdata",
))
FILES = sorted(VECTORS.rglob("*.json")) if VECTORS.is_dir() else []
# The layers we share with the DCC, in chain order. Out of scope: DECODE / VALIDJSON /
# VALIDOBJECT / SCHEMAVALIDATION (the health-certificate payload), PICTUREDECODE (reading the QR
# image), KEYUSAGE (DCC key-usage OIDs) and ENCODE (producing the DCC's own payloads).
IN_SCOPE = ("EXPECTEDUNPREFIX", "EXPECTEDB45DECODE", "EXPECTEDCOMPRESSION", "EXPECTEDVERIFY",
            "EXPECTEDEXPIRATIONCHECK")
NEGATIVE_VERDICTS = [  # vector:flag whose expected result is "must fail"
    "common/2DCode/raw/B1.json:B45DECODE",  # characters outside the base45 alphabet
    "common/2DCode/raw/CBO2.json:VERIFY",  # wrong CWT structure
    "common/2DCode/raw/CO16.json:EXPIRATIONCHECK",  # clock before "issued at"
    "common/2DCode/raw/CO17.json:EXPIRATIONCHECK",  # clock after expiry
    "common/2DCode/raw/CO22.json:VERIFY",  # protected kid wrong, unprotected right
    "common/2DCode/raw/CO23.json:VERIFY",  # no protected kid, unprotected kid wrong
    "common/2DCode/raw/CO5.json:VERIFY",  # signature cryptographically invalid
    "common/2DCode/raw/H1.json:UNPREFIX",  # HL0: context
    "common/2DCode/raw/H2.json:UNPREFIX",  # HC2: context
    "common/2DCode/raw/H3.json:UNPREFIX",  # no context at all
    "common/2DCode/raw/Z1.json:COMPRESSION",  # broken zlib stream
    "common/2DCode/raw/Z2.json:COMPRESSION",  # not compressed
]


def clock(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class Outcome:
    ok: bool
    value: bytes | str | None = None


def unprefix(vector: dict) -> Outcome:
    try:
        # The product's own default: CG1 and HC1 only (H1 "HL0:" and H2 "HC2:" must fail).
        return Outcome(True, codec.split_prefix(vector["PREFIX"])[1])
    except EcertError:
        return Outcome(False)


def stage(vector: dict, field: str, previous: Outcome, step) -> Outcome:
    """Run ``step`` on the vector's own ``field`` if present, else on the previous output."""
    if field in vector:
        source = vector[field]
    elif previous.ok:
        source = previous.value
    else:
        return Outcome(False)
    try:
        return Outcome(True, step(source))
    except EcertError:
        return Outcome(False)


def chain(vector: dict) -> dict[str, Outcome]:
    prefix = unprefix(vector) if "PREFIX" in vector else Outcome(False)
    b45 = stage(vector, "BASE45", prefix, codec.b45decode)
    zlib_out = stage(vector, "COMPRESSED", b45,
                     lambda src: codec.inflate(bytes.fromhex(src) if isinstance(src, str) else src))
    return {"prefix": prefix, "base45": b45, "zlib": zlib_out}


def cose_bytes(vector: dict, steps: dict[str, Outcome]) -> bytes | None:
    if "COSE" in vector:
        return bytes.fromhex(vector["COSE"])
    return steps["zlib"].value if steps["zlib"].ok else None  # type: ignore[return-value]


def trust_of(vector: dict) -> keys.PublicKey:
    return keys.load_public_key(base64.b64decode(vector["TESTCTX"]["CERTIFICATE"]))


def verdicts(path: Path) -> list[tuple[str, bool, bool]]:
    """(flag, expected, ours) for every in-scope flag of one vector, in chain order."""
    vector = json.loads(path.read_text(encoding="utf-8"))
    expected = vector.get("EXPECTEDRESULTS", {})
    steps = chain(vector)
    data = cose_bytes(vector, steps)
    at = clock(vector["TESTCTX"]["VALIDATIONCLOCK"])
    ours: dict[str, bool] = {}
    if "EXPECTEDUNPREFIX" in expected:
        ours["EXPECTEDUNPREFIX"] = steps["prefix"].ok and (
            "BASE45" not in vector or steps["prefix"].value == vector["BASE45"])
    if "EXPECTEDB45DECODE" in expected:
        ours["EXPECTEDB45DECODE"] = steps["base45"].ok and (
            "COMPRESSED" not in vector
            or steps["base45"].value.hex() == vector["COMPRESSED"].lower())
    if "EXPECTEDCOMPRESSION" in expected:
        ours["EXPECTEDCOMPRESSION"] = steps["zlib"].ok and (
            "COSE" not in vector or steps["zlib"].value.hex() == vector["COSE"].lower())
    if "EXPECTEDVERIFY" in expected:
        result = verifier.verify_cose(data or b"", trust=trust_of(vector), at=at)
        ours["EXPECTEDVERIFY"] = (result.steps["cose"] == "ok"
                                  and result.steps["signature"] == "ok")
    if "EXPECTEDEXPIRATIONCHECK" in expected:
        ours["EXPECTEDEXPIRATIONCHECK"] = expiry_ok(data, at)
    return [(flag, expected[flag], ours[flag]) for flag in IN_SCOPE if flag in ours]


def expiry_ok(data: bytes | None, at: datetime) -> bool:
    if data is None:
        return False
    try:
        claims = cose.decode_claims(cose.decode_sign1(data).payload)
    except EcertError:
        return False
    return verifier.check_expiry(claims=claims, fields=None, at=at) is None


def name(path: Path) -> str:
    return str(path.relative_to(VECTORS))


WITH_VERDICTS = [p for p in FILES if set(json.loads(p.read_text(encoding="utf-8"))
                                         .get("EXPECTEDRESULTS", {})) & set(IN_SCOPE)]


@pytest.mark.skipif(not FILES, reason="conformance vectors not present beside the repository")
@pytest.mark.parametrize("path", WITH_VERDICTS, ids=[name(p) for p in WITH_VERDICTS])
def test_vector(path: Path) -> None:
    wrong = [(flag, expected) for flag, expected, ours in verdicts(path) if ours is not expected]
    assert wrong == [], f"{name(path)}: expected {wrong}, got the opposite"


@pytest.mark.skipif(not FILES, reason="conformance vectors not present beside the repository")
def test_every_verdict_is_counted_and_agrees() -> None:
    """The count that "all vectors pass" means: every in-scope verdict, named and pinned.

    374 vectors carry 3,722 EXPECTED flags. In scope (the layers we share with the DCC) are
    1,707 verdicts on 356 vectors; 18 vectors carry only out-of-scope flags (KEYUSAGE: CO6–CO15,
    SCHEMAVALIDATION: DGC1–DGC6, DECODE: CBO1, PICTUREDECODE: Q1) and are not counted.
    """
    table = {name(p): verdicts(p) for p in FILES}
    counted: Counter[tuple[str, bool]] = Counter(
        (flag, expected) for rows in table.values() for flag, expected, _ in rows)
    assert counted == {
        ("EXPECTEDUNPREFIX", True): 341, ("EXPECTEDUNPREFIX", False): 3,
        ("EXPECTEDB45DECODE", True): 340, ("EXPECTEDB45DECODE", False): 1,
        ("EXPECTEDCOMPRESSION", True): 340, ("EXPECTEDCOMPRESSION", False): 2,
        ("EXPECTEDVERIFY", True): 344, ("EXPECTEDVERIFY", False): 4,
        ("EXPECTEDEXPIRATIONCHECK", True): 330, ("EXPECTEDEXPIRATIONCHECK", False): 2,
    }
    assert sum(counted.values()) == 1_707
    assert sum(1 for rows in table.values() if rows) == len(WITH_VERDICTS) == 356
    # Every negative verdict by name: these are the ones a lax decoder gets wrong.
    negatives = sorted(f"{vector}:{flag[8:]}" for vector, rows in table.items()
                       for flag, expected, _ in rows if not expected)
    assert negatives == NEGATIVE_VERDICTS
    disagreements = [(vector, flag) for vector, rows in table.items()
                     for flag, expected, ours in rows if ours is not expected]
    assert disagreements == []


def test_every_vector_was_collected() -> None:
    # Guards against a silently empty parametrisation when the shared folder moves.
    if VECTORS.is_dir():
        assert len(FILES) == 374
