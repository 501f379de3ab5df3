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
DCC_CONTEXTS = {"HC1"}  # the DCC spec's only context; H1 (HL0:) and H2 (HC2:) must fail


def clock(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class Outcome:
    ok: bool
    value: bytes | str | None = None


def unprefix(vector: dict) -> Outcome:
    try:
        return Outcome(True, codec.split_prefix(vector["PREFIX"], accept=DCC_CONTEXTS)[1])
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


@pytest.mark.skipif(not FILES, reason="conformance vectors not present beside the repository")
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(VECTORS)) for p in FILES])
def test_vector(path: Path) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    expected = vector.get("EXPECTEDRESULTS", {})
    steps = chain(vector)
    if "EXPECTEDUNPREFIX" in expected:
        assert steps["prefix"].ok is expected["EXPECTEDUNPREFIX"]
        if steps["prefix"].ok and "BASE45" in vector:
            assert steps["prefix"].value == vector["BASE45"]
    if "EXPECTEDB45DECODE" in expected:
        assert steps["base45"].ok is expected["EXPECTEDB45DECODE"]
        if steps["base45"].ok and "COMPRESSED" in vector:
            assert steps["base45"].value.hex() == vector["COMPRESSED"].lower()
    if "EXPECTEDCOMPRESSION" in expected:
        assert steps["zlib"].ok is expected["EXPECTEDCOMPRESSION"]
        if steps["zlib"].ok and "COSE" in vector:
            assert steps["zlib"].value.hex() == vector["COSE"].lower()
    data = cose_bytes(vector, steps)
    at = clock(vector["TESTCTX"]["VALIDATIONCLOCK"])
    if "EXPECTEDVERIFY" in expected:
        result = verifier.verify_cose(data or b"", trust=trust_of(vector), at=at)
        verified = result.steps["cose"] == "ok" and result.steps["signature"] == "ok"
        assert verified is expected["EXPECTEDVERIFY"], result.to_dict()
    if "EXPECTEDEXPIRATIONCHECK" in expected:
        assert expiry_ok(data, at) is expected["EXPECTEDEXPIRATIONCHECK"]


def expiry_ok(data: bytes | None, at: datetime) -> bool:
    if data is None:
        return False
    try:
        claims = cose.decode_claims(cose.decode_sign1(data).payload)
    except EcertError:
        return False
    return verifier.check_expiry(claims=claims, fields=None, at=at) is None


def test_every_vector_was_collected() -> None:
    # Guards against a silently empty parametrisation when the shared folder moves.
    if VECTORS.is_dir():
        assert len(FILES) >= 300
