"""The offline flow on the command line: keygen → sign → trust list → revocations → verify.

Pure argparse + ecert functions; the Django management command ``ecert`` is a thin shell around
``add_arguments`` and ``dispatch``. ``dispatch`` returns (exit code, JSON-able output) and raises
UsageError for bad usage or unreadable files (exit code 2).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from certguard.ecert import algorithms, codec, keys, qr, revocation, trustlist, urlcheck
from certguard.ecert.errors import EcertError
from certguard.ecert.fields import BEIJING, from_mapping
from certguard.ecert.issue import sign_certificate
from certguard.ecert.revocation import RevocationList, revocation_hash
from certguard.ecert.trustlist import TrustEntry
from certguard.ecert.verifier import verify_payload

NOON, DAY_START, DAY_END = time(12), time(0), time(23, 59, 59)


class UsageError(Exception):
    """Bad arguments or unreadable input: exit code 2, message shown to the user."""


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    verify = sub.add_parser("verify", help="离线核验电子证书载荷")
    verify.add_argument("payload", help="载荷文本；@文件 读取文件；- 读取标准输入")
    verify.add_argument("--trust", required=True, help="信任列表文件或 PEM 公钥/证书")
    verify.add_argument("--root", help="根公钥 PEM（信任列表或吊销列表需要）")
    verify.add_argument("--revocations", action="append", default=[],
                        help="吊销列表：先完整列表，再按序的增量（可重复）")
    verify.add_argument("--at", help="核验时间（YYYY-MM-DD 或 ISO 8601），默认当前")
    verify.add_argument("--offline", action="store_true", help="不查询证书库")
    verify.add_argument("--prefix", action="append",
                        help="只接受这些前缀（CG1 或 HC1，可重复）；默认两者都接受")
    keygen = sub.add_parser("keygen", help="生成发证机关密钥对")
    keygen.add_argument("--alg", required=True, help="ed25519 / es256 / ps256 / sm2")
    keygen.add_argument("--authority", required=True, help="发证机关代码")
    keygen.add_argument("--out", required=True, help="输出目录")
    sign = sub.add_parser("sign", help="用私钥签发电子证书")
    sign.add_argument("--key", required=True, help="私钥 PEM")
    sign.add_argument("--fields", required=True, help="证书字段 JSON 文件")
    sign.add_argument("--issued-at", help="签发时间，默认当前")
    sign.add_argument("--prefix", default="CG1:", help="载荷前缀，本平台的电子证书为 CG1:")
    sign.add_argument("--png", help="同时输出二维码 PNG")
    sign.add_argument("--svg", help="同时输出二维码 SVG")
    _add_trustlist(sub)
    _add_revocations(sub)
    check = sub.add_parser("checkqr", help="判断二维码内容：电子证书、官方网址或仿冒网址")
    check.add_argument("text")
    check.add_argument("--official-host", action="append", help="官方查询网址（可重复）")


def _add_trustlist(sub: Any) -> None:
    tl = sub.add_parser("trustlist", help="信任列表：build 生成清单，sign 签名，show 校验并显示")
    tl_sub = tl.add_subparsers(dest="trust_action", required=True)
    build = tl_sub.add_parser("build")
    build.add_argument("--entry", action="append", required=True,
                       help="公钥PEM,机关代码[,启用日期[,停用日期]]（可重复）")
    build.add_argument("--sequence", type=int, default=1)
    build.add_argument("--out", required=True, help="清单 JSON")
    tsign = tl_sub.add_parser("sign")
    tsign.add_argument("spec", help="trustlist build 生成的清单 JSON")
    tsign.add_argument("--root-key", required=True)
    tsign.add_argument("--out", required=True)
    show = tl_sub.add_parser("show")
    show.add_argument("file")
    show.add_argument("--root", required=True)


def _add_revocations(sub: Any) -> None:
    rv = sub.add_parser("revocations", help="生成签名的吊销列表（完整及增量）")
    rv.add_argument("--root-key", required=True)
    rv.add_argument("--sequence", type=int, required=True)
    rv.add_argument("--revoke", action="append", default=[],
                    help="机关代码/证书编号/操作项目（可重复）")
    rv.add_argument("--previous", help="上一版完整列表（生成增量时需要）")
    rv.add_argument("--out", required=True, help="新的完整列表")
    rv.add_argument("--delta-out", help="相对 --previous 的增量")


def dispatch(options: dict[str, Any]) -> tuple[int, Any]:
    action = options["action"]
    try:
        return _ACTIONS[action](options)
    except EcertError as exc:
        raise UsageError(f"{exc.message} [{exc.code}] {exc.detail}".strip()) from None
    except OSError as exc:
        raise UsageError(f"无法读写文件 [file_error]: {exc.filename or exc}") from None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取文件 [file_error]: {path} ({exc.strerror})") from None


def _parse_moment(text: str | None, name: str, *, day_time: time = NOON) -> datetime | None:
    """ISO datetime, or a bare date taken as ``day_time`` Beijing time (dates are CST dates)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), day_time, tzinfo=BEIJING)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{name} 不是有效日期 [bad_date]: {text}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _payload_text(arg: str) -> str:
    if arg == "-":
        import sys

        return codec.clean_scanned(sys.stdin.read())
    if arg.startswith("@"):
        return codec.clean_scanned(_read(arg[1:]).decode("utf-8", errors="replace"))
    return arg


def _load_trust(options: dict[str, Any]) -> tuple[Any, keys.PublicKey | None]:
    root = keys.load_public_key(_read(options["root"])) if options.get("root") else None
    data = _read(options["trust"])
    if data.lstrip().startswith(b"-----BEGIN"):
        return keys.load_public_key(data), root
    if root is None:
        raise UsageError("信任列表需要 --root 根公钥才能校验 [root_required]")
    return trustlist.load(data, root=root), root


def _verify(options: dict[str, Any]) -> tuple[int, Any]:
    trust, root = _load_trust(options)
    revocations = None
    if options.get("revocations"):
        if root is None:
            raise UsageError("吊销列表需要 --root 根公钥才能校验 [root_required]")
        revocations = revocation.load_chain([_read(p) for p in options["revocations"]], root=root)
    result = verify_payload(
        _payload_text(options["payload"]), trust=trust, revocations=revocations,
        at=_parse_moment(options.get("at"), "--at"),
        registry_lookup=None if options.get("offline") else registry_lookup(),
        prefixes=_prefixes(options.get("prefix")))
    return (0 if result.valid else 1), result.to_dict()


def _prefixes(values: list[str] | None) -> frozenset[str] | None:
    if not values:
        return None
    wanted = codec.normalise_contexts(values)
    unknown = sorted(wanted - codec.KNOWN_CONTEXTS)
    if unknown:
        raise UsageError(f"不支持的前缀 [bad_prefix]: {'、'.join(unknown)}，"
                         f"只能是 {codec.OUR_CONTEXT} 或 {codec.DCC_CONTEXT}")
    return wanted


def registry_lookup() -> Any:
    """The online registry check, once the registry app offers one (layer 3, below ecert)."""
    try:
        from certguard.registry.services import ecert_registry_lookup
    except ImportError:
        return None
    return ecert_registry_lookup


def _keygen(options: dict[str, Any]) -> tuple[int, Any]:
    try:
        alg = algorithms.alg_from_name(options["alg"])
    except ValueError as exc:
        raise UsageError(f"{exc} [bad_alg]") from None
    key = keys.generate(alg=alg, authority=options["authority"])
    out = Path(options["out"])
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{options['authority']}-{key.kid.hex()}"
    private, public = out / f"{stem}.key.pem", out / f"{stem}.pub.pem"
    private.write_bytes(keys.private_key_pem(key))
    os.chmod(private, 0o600)  # a signing key is a secret
    public.write_bytes(key.public.pem())
    return 0, {"kid": key.kid.hex(), "alg": algorithms.ALG_NAMES[alg],
               "authority": options["authority"], "private_key": str(private),
               "public_key": str(public)}


def _sign(options: dict[str, Any]) -> tuple[int, Any]:
    key = keys.load_private_key(_read(options["key"]))
    try:
        data = json.loads(_read(options["fields"]))
    except ValueError as exc:
        raise UsageError(f"证书字段 JSON 无法解析 [bad_json]: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError("证书字段 JSON 必须是对象 [bad_json]")
    fields = from_mapping(data)
    key = keys.SigningKey(key=key.key, alg=key.alg, kid=key.kid, authority=fields.issuer_code,
                          public=key.public)
    payload = sign_certificate(fields=fields, key=key, prefix=options.get("prefix") or "CG1:",
                               issued_at=_parse_moment(options.get("issued_at"), "--issued-at"))
    if options.get("png"):
        Path(options["png"]).write_bytes(qr.render_png(payload))
    if options.get("svg"):
        Path(options["svg"]).write_text(qr.render_svg(payload), encoding="utf-8")
    return 0, {"payload": payload, "kid": key.kid.hex(), "alg": algorithms.ALG_NAMES[key.alg]}


def _trustlist(options: dict[str, Any]) -> tuple[int, Any]:
    action = options["trust_action"]
    if action == "build":
        spec = {"sequence": options["sequence"], "keys": [_entry_spec(e) for e in options["entry"]]}
        Path(options["out"]).write_text(json.dumps(spec, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
        return 0, {"out": options["out"], "keys": len(spec["keys"])}
    if action == "sign":
        return _trustlist_sign(options)
    loaded = trustlist.load(_read(options["file"]), root=keys.load_public_key(
        _read(options["root"])))
    return 0, {"sequence": loaded.sequence, "keys": [e.describe() for e in loaded.entries]}


def _entry_spec(text: str) -> dict[str, Any]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2:
        raise UsageError(f"--entry 需要 公钥PEM,机关代码 [bad_entry]: {text}")
    public = keys.load_public_key(_read(parts[0]))
    nbf = _parse_moment(parts[2] if len(parts) > 2 else None, "启用日期", day_time=DAY_START)
    exp = _parse_moment(parts[3] if len(parts) > 3 else None, "停用日期", day_time=DAY_END)
    return {"public_key_pem": public.pem().decode("ascii"), "authority": parts[1],
            "not_before": nbf.isoformat() if nbf else None,
            "not_after": exp.isoformat() if exp else None}


def _trustlist_sign(options: dict[str, Any]) -> tuple[int, Any]:
    root = keys.load_private_key(_read(options["root_key"]))
    try:
        spec = json.loads(_read(options["spec"]))
        entries = [TrustEntry(public=keys.load_public_key(k["public_key_pem"]),
                              authority=k["authority"],
                              not_before=_parse_moment(k.get("not_before"), "not_before"),
                              not_after=_parse_moment(k.get("not_after"), "not_after"))
                   for k in spec["keys"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"信任列表清单格式错误 [bad_spec]: {exc}") from None
    data = trustlist.sign(trustlist.build(entries, sequence=int(spec.get("sequence", 1))),
                          root=root)
    Path(options["out"]).write_bytes(data)
    return 0, {"out": options["out"], "keys": len(entries), "root_kid": root.kid.hex(),
               "bytes": len(data)}


def _revocations(options: dict[str, Any]) -> tuple[int, Any]:
    root = keys.load_private_key(_read(options["root_key"]))
    previous = (revocation.load_full(_read(options["previous"]), root=root.public)
                if options.get("previous") else RevocationList(sequence=0))
    added = set()
    for item in options["revoke"]:
        issuer, cert_no, item_code = (item.split("/") + ["", ""])[:3]
        if not issuer or not cert_no or not item_code:
            raise UsageError(f"--revoke 需要 机关代码/证书编号/操作项目 [bad_revoke]: {item}")
        added.add(revocation_hash(issuer_code=issuer, cert_no=cert_no, item_code=item_code))
    new = RevocationList(sequence=options["sequence"], hashes=previous.hashes | added,
                         issued_at=datetime.now(UTC))
    Path(options["out"]).write_bytes(revocation.sign_full(new, key=root))
    output = {"out": options["out"], "sequence": new.sequence, "revoked": len(new.hashes)}
    if options.get("delta_out"):
        Path(options["delta_out"]).write_bytes(revocation.sign_delta(old=previous, new=new,
                                                                      key=root))
        output |= {"delta_out": options["delta_out"], "base_sequence": previous.sequence}
    return 0, output


def _checkqr(options: dict[str, Any]) -> tuple[int, Any]:
    hosts = options.get("official_host") or urlcheck.DEFAULT_OFFICIAL_HOSTS
    check = urlcheck.check_qr_text(options["text"], official_hosts=hosts)
    return (0 if check.verdict == "genuine" else 1), check.to_dict()


_ACTIONS = {"verify": _verify, "keygen": _keygen, "sign": _sign, "trustlist": _trustlist,
            "revocations": _revocations, "checkqr": _checkqr}
