"""The offline flow from the command line: keygen → trust list → sign → revocations → verify.

Most tests drive ``cli.dispatch`` through the real argparse definitions (pure, no Django); the
last ones run the Django management command for its exit codes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from certguard.ecert import cli

from .conftest import FIELDS


def run(*argv: str) -> tuple[int, dict]:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.dispatch(vars(parser.parse_args(argv)))


@pytest.fixture()
def flow(tmp_path: Path) -> dict[str, str]:
    _, root = run("keygen", "--alg", "ed25519", "--authority", "ROOT", "--out",
                  str(tmp_path / "root"))
    _, auth = run("keygen", "--alg", "sm2", "--authority", "110000", "--out",
                  str(tmp_path / "keys"))
    spec, trust = tmp_path / "spec.json", tmp_path / "trust.cbor"
    run("trustlist", "build", "--entry", f"{auth['public_key']},110000,2024-01-01",
        "--sequence", "2", "--out", str(spec))
    run("trustlist", "sign", str(spec), "--root-key", root["private_key"], "--out", str(trust))
    fields = tmp_path / "fields.json"
    fields.write_text(json.dumps(FIELDS, ensure_ascii=False), encoding="utf-8")
    png = tmp_path / "qr.png"
    _, signed = run("sign", "--key", auth["private_key"], "--fields", str(fields),
                    "--issued-at", "2025-03-01", "--png", str(png))
    assert png.read_bytes().startswith(b"\x89PNG")
    return {"root_key": root["private_key"], "root_pub": root["public_key"],
            "pub": auth["public_key"], "trust": str(trust), "payload": signed["payload"],
            "dir": str(tmp_path)}


def test_keygen_writes_private_key_readable_only_by_owner(flow) -> None:
    import os
    import stat

    mode = os.stat(flow["root_key"]).st_mode
    assert not mode & (stat.S_IRWXG | stat.S_IRWXO)


def test_verify_with_signed_trust_list(flow) -> None:
    code, out = run("verify", flow["payload"], "--trust", flow["trust"], "--root",
                    flow["root_pub"], "--at", "2026-01-15", "--offline")
    assert code == 0 and out["valid"] and out["alg"] == "SM2"
    assert out["authority"] == "110000"


def test_verify_with_single_pem(flow) -> None:
    code, out = run("verify", flow["payload"], "--trust", flow["pub"], "--at", "2026-01-15")
    assert code == 0 and out["steps"]["registry"] == "skipped"


def test_verify_expired_exits_1(flow) -> None:
    code, out = run("verify", flow["payload"], "--trust", flow["pub"], "--at", "2032-01-01")
    assert code == 1 and out["reason"] == "expired"


def test_revocation_full_then_delta(flow) -> None:
    full1, full2, delta = (str(Path(flow["dir"]) / n) for n in ("r1", "r2", "d2"))
    run("revocations", "--root-key", flow["root_key"], "--sequence", "1", "--out", full1)
    run("revocations", "--root-key", flow["root_key"], "--sequence", "2", "--previous", full1,
        "--revoke", f"110000/{FIELDS['cert_no']}/{FIELDS['item_code']}", "--out", full2,
        "--delta-out", delta)
    base = ("verify", flow["payload"], "--trust", flow["trust"], "--root", flow["root_pub"],
            "--at", "2026-01-15")
    assert run(*base, "--revocations", full1)[0] == 0
    code, out = run(*base, "--revocations", full1, "--revocations", delta)
    assert code == 1 and out["reason"] == "revoked"
    assert run(*base, "--revocations", full2)[1]["reason"] == "revoked"


@pytest.mark.parametrize("extra", [
    ("--trust", "/nonexistent/trust.cbor"),
    ("--trust", "TRUST"),  # a signed trust list without --root
    ("--trust", "PUB", "--at", "not-a-date"),
])
def test_usage_errors(flow, extra) -> None:
    args = [flow["trust"] if a == "TRUST" else flow["pub"] if a == "PUB" else a for a in extra]
    with pytest.raises(cli.UsageError):
        run("verify", flow["payload"], *args)


def test_trust_list_checked_against_wrong_root(flow) -> None:
    with pytest.raises(cli.UsageError, match="bad_trust_signature"):
        run("verify", flow["payload"], "--trust", flow["trust"], "--root", flow["pub"])


def test_checkqr(flow) -> None:
    assert run("checkqr", "https://cx.mem.gov.cn/")[0] == 0
    code, out = run("checkqr", "https://cx-mem-gov.cn/")
    assert code == 1 and out["verdict"] == "suspicious"


# --- the Django management command: exit codes, JSON on stdout, no traceback ---------------

def call_command_exit(*argv: str) -> tuple[int, str, str]:
    pytest.importorskip("django")
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from certguard.ecert.management.commands.ecert import Command

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(Command(), *argv, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_command_valid_invalid_and_bad_usage(flow) -> None:
    code, out, _ = call_command_exit("verify", flow["payload"], "--trust", flow["pub"],
                                     "--at", "2026-01-15", "--offline")
    assert code == 0 and json.loads(out)["valid"] is True
    code, out, message = call_command_exit("verify", "CG1:" + flow["payload"][4:-3],
                                           "--trust", flow["pub"])
    assert code == 1 and json.loads(out)["valid"] is False and message
    code, _, message = call_command_exit("verify", flow["payload"], "--trust", "/no/such")
    assert code == 2 and "file_error" in message


@pytest.mark.parametrize("prefix", ["HC2:", "HL0:", "HC1:"])
def test_command_refuses_a_relabelled_payload(flow, prefix) -> None:
    # HC2: / HL0: are unknown contexts; HC1: is known but our fields never travel under it.
    code, out, _ = call_command_exit("verify", prefix + flow["payload"][4:],
                                     "--trust", flow["pub"], "--at", "2026-01-15",
                                     "--offline")
    answer = json.loads(out)
    assert code == 1 and answer["reason"] == "bad_prefix" and answer["valid"] is False
    assert "前缀" in answer["message"]


def test_verify_prefix_option_accepts_only_known_contexts(flow) -> None:
    base = ("verify", flow["payload"], "--trust", flow["pub"], "--at", "2026-01-15",
            "--offline")
    assert run(*base, "--prefix", "cg1:")[0] == 0
    code, out = run(*base, "--prefix", "HC1")
    assert code == 1 and out["reason"] == "bad_prefix"
    code, _, message = call_command_exit(*base, "--prefix", "HC2")
    assert code == 2 and "不支持的前缀" in message and "HC2" in message


def test_command_tampered_zlib_says_so_in_chinese(flow) -> None:
    from certguard.ecert import codec

    data = bytearray(codec.b45decode(flow["payload"][4:]))
    data[-2] ^= 0x10  # inside the Adler-32 trailer
    code, out, _ = call_command_exit("verify", "CG1:" + codec.b45encode(bytes(data)),
                                     "--trust", flow["pub"], "--at", "2026-01-15", "--offline")
    answer = json.loads(out)
    assert code == 1 and answer["reason"] == "bad_zlib"
    assert "Error" not in out and "decompress" not in out
    assert answer["details"]["zlib"] == "校验和不符，内容已被改动"


def test_signing_under_another_prefix_is_a_usage_error(flow, tmp_path) -> None:
    fields = tmp_path / "f.json"
    fields.write_text(json.dumps(FIELDS, ensure_ascii=False), encoding="utf-8")
    key = next(Path(flow["dir"], "keys").glob("*.key.pem"))
    with pytest.raises(cli.UsageError, match="bad_prefix"):
        run("sign", "--key", str(key), "--fields", str(fields), "--prefix", "HC1:")
