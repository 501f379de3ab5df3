"""Known-bad inputs fed to every upload, import, scan and API entry point (web pages, the API
and the command line). Every answer must be a specific Chinese message: no server path, no
Python exception or class name, no repr, and no message sentence without Chinese.

The inputs: a corrupt zip named .xlsx, a .docx renamed .xlsx, GBK and UTF-16 CSV, NUL bytes,
a tampered QR payload, an over-long paste, and a batch item without a name."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections

from certguard import ids
from tests.api import api_as

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What must never reach a user: internals of the server or of Python.
LEAKS = [
    (re.compile(r"Traceback|File \"|line \d+, in "), "Python 调用栈"),
    (re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b"), "异常类名"),
    (re.compile(r"ErrorDetail|<[a-zA-Z_.]+ object at 0x|\bb'|\{'[a-z_]+': "), "repr"),
    (re.compile(r"(/work/|/tmp/|/var/|/home/|/usr/|site-packages|[A-Za-z]:\\\\)"), "服务器路径"),
    (re.compile(r"\b\w+\.py\b"), "源文件名"),
    (re.compile(r"(invalid|could not|cannot|not found|unexpected|codec|decode|"
                r"zip|EOCD|_rels|incorrect|Expecting|required)\b", re.I), "英文异常文字"),
]


def _gbk_csv() -> bytes:
    return "姓名,身份证号,证书编号\n张三,110101199003076515,T110101199003076515\n".encode("gbk")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


BAD_FILES = {
    "corrupt.xlsx": b"PK\x03\x04" + bytes(range(256)) * 8,
    "document.xlsx": _docx(),
    "gbk.csv": _gbk_csv(),
    "utf16.csv": "姓名,身份证号\n张三,110101199003076515\n".encode("utf-16"),
    "nul.csv": b"\x00\x00name,id_no\x00\n\x00\x00\x00\n",
}
LONG_PASTE = "仿" * 2000 + "x" * 300_000
NUL_TEXT = "abc\x00def\x00"


class _Messages(HTMLParser):
    """The visible text of a page, and the text of its message elements (alerts, errors)."""

    MARKERS = ("errorlist", "notice-error", "warning", "role=alert", "error")

    def __init__(self) -> None:
        super().__init__()
        self.visible: list[str] = []
        self.messages: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        marked = any(m in " ".join(f"{k}={v}" for k, v in attrs if v) for m in self.MARKERS)
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self._stack.append((tag, marked))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._skip or not data.strip():
            return
        in_textarea = any(t == "textarea" for t, _ in self._stack)
        if not in_textarea:  # what the user typed is echoed back: not ours
            self.visible.append(data.strip())
        if any(marked for _, marked in self._stack) and not in_textarea:
            self.messages.append(data.strip())


def _problems(text: str, messages: list[str]) -> list[str]:
    found = [f"{label}：{m.group(0)!s}" for pattern, label in LEAKS
             for m in [pattern.search(text)] if m]
    found += [f"没有中文的消息：{m[:80]}" for m in messages
              if len(m) > 3 and re.search(r"[A-Za-z]{3}", m) and not CHINESE.search(m)]
    return found


def html_problems(response) -> list[str]:
    parser = _Messages()
    parser.feed(response.content.decode("utf-8", errors="replace"))
    return _problems("\n".join(parser.visible), parser.messages)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def json_problems(response) -> list[str]:
    if response.status_code >= 500:
        return [f"服务器错误 {response.status_code}"]
    try:
        data = response.json()
    except ValueError:
        return [f"不是 JSON：{response.content[:80]!r}"]
    error = data.get("error") if isinstance(data, dict) else None
    messages = _strings(error) if error else []
    # Per-item answers (batch) and verification answers carry messages too.
    for key in ("message", "messages"):
        if isinstance(data, dict) and key in data:
            messages += _strings(data[key])
    if isinstance(data, dict):
        for item in data.get("results", []) or data.get("items", []) or []:
            if isinstance(item, dict):
                messages += _strings(item.get("error") or item.get("message") or "")
    messages = [m for m in messages if not re.fullmatch(r"[a-z_]+", m)]  # codes
    return _problems("\n".join(messages), messages)


def _upload(name: str, data: bytes):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@dataclass
class Answer:
    where: str
    problems: list[str]


def _check(answers: list[Answer]) -> None:
    bad = [f"{a.where}：{'；'.join(a.problems)}" for a in answers if a.problems]
    assert not bad, "\n".join(bad)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    cache.clear()
    settings.VERIFY_RATE_PUBLIC = settings.VERIFY_RATE_ANONYMOUS_API = 10_000


@pytest.fixture
def payloads(cast):
    from certguard.ecert import services as ecert
    from certguard.registry import services as registry

    ecert.key_generate(by=cast.issuer, authority=cast.issuing_authority, alg="ed25519")
    cert = registry.certificate_issue(
        by=cast.issuer, id_no=ids.make_id_no("140521", date(1985, 3, 14), 31), name="李建国",
        family="special_ops", item_code="1.2", first_issued=registry.today() - timedelta(30))
    good = ecert.certificate_sign(by=cast.issuer, certificate=cert).payload
    middle = len(good) // 2
    tampered = good[:middle] + ("A" if good[middle] != "A" else "B") + good[middle + 1:]
    return {"tampered": tampered, "truncated": good[:-7], "relabelled": "HC2:" + good[4:],
            "nul": good[:20] + "\x00" + good[20:], "long": LONG_PASTE,
            "url": ecert.certificate_url(tampered)}


# --- uploads and imports ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_on_every_upload(world, client, name, django_capture_on_commit_callbacks):
    data = BAD_FILES[name]
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(world.user("enterprise_user", "A"))
        page = client.post("/selfcheck/uploads/new/", {"file": _upload(name, data)},
                           follow=True)
        answers.append(Answer("企业自查上传", html_problems(page)))
        api = api_as(world.user("enterprise_user", "A"))
        answers.append(Answer("企业自查接口", json_problems(
            api.post("/api/v1/selfcheck/uploads", {"file": _upload(name, data)},
                     format="multipart"))))
        client.force_login(world.cast.issuer)
        page = client.post("/issuer/import/", {"file": _upload(name, data)}, follow=True)
        answers.append(Answer("证书导入", html_problems(page)))
        client.force_login(world.user("inspector", "city"))
        page = client.post("/screening/new/", {"as_of": "2024-09-01",
                                               "certificates": _upload(name, data),
                                               "roster": _upload(name, data)}, follow=True)
        answers.append(Answer("交叉比对筛查", html_problems(page)))
        api = api_as(world.user("inspector", "city"))
        answers.append(Answer("筛查接口", json_problems(api.post(
            "/api/v1/screening/runs", {"as_of": "2024-09-01",
                                       "certificates": _upload(name, data)},
            format="multipart"))))
        client.force_login(world.user("netgov_officer", "A"))
        page = client.post("/netwatch/domains/", {"file": _upload(name, data)}, follow=True)
        answers.append(Answer("域名清单", html_problems(page)))
        client.logout()
        page = client.post("/tips/", {"subject_kind": "holder", "text": "有人卖假证",
                                      "attachments": [_upload(name, data)]}, follow=True)
        answers.append(Answer("举报附件", html_problems(page)))
    _check(answers)


def run_cli(*argv: str, capsys) -> str:
    """A command as typed at the shell (``certguard ...``): its output and error lines.

    At the shell the command closes its database connections on exit; here they carry the
    test's transaction, which later requests in the same test still use."""
    from certguard.__main__ import main

    with mock.patch.object(connections, "close_all"):
        try:
            main(["certguard", *argv])
        except SystemExit:
            pass
    out = capsys.readouterr()
    return out.out + out.err


def cli_problems(text: str) -> list[str]:
    lines = [line for line in text.splitlines()
             if line.startswith(("[", "错误", "certguard")) or "error" in line.lower()]
    return _problems(text, lines)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_on_the_command_line(cast, tmp_path, name, capsys):
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    answers = []
    for argv in (["registry", "import", str(path), "--quiet", "--report",
                  str(tmp_path / "rejects.csv")],
                 ["registry", "import", str(path), "--dry-run", "--quiet", "--report",
                  str(tmp_path / "rejects-dry.csv")],
                 ["selfcheck", str(path), "--as-of", "2025-06-01"]):
        answers.append(Answer(" ".join(argv[:2]), cli_problems(run_cli(*argv, capsys=capsys))))
    _check(answers)


def test_command_line_help_and_usage_errors_are_chinese(db, capsys):
    for argv in (["help"], ["registry", "--help"], ["ecert", "verify", "--help"],
                 ["registry", "import"], ["selfcheck", "--as-of", "x"]):
        text = run_cli(*argv, capsys=capsys)
        assert CHINESE.search(text), argv
        for english in ("show this help", "positional arguments", "the following arguments",
                        "CommandError", "usage:", "Show program", "Raise on CommandError"):
            assert english not in text, (argv, english)


# --- scans, pastes and the API ------------------------------------------------------------------

def test_bad_payloads_and_pastes(world, client, payloads, capsys, tmp_path):
    from certguard.ecert import services as ecert

    trust, root = tmp_path / "trust.cbor", tmp_path / "root.pem"
    trust.write_bytes(ecert.trust_list_build_signed())
    root.write_text(ecert.root_key_ensure().public_key_pem)
    answers = []
    api = api_as(world.user("public", ""))
    for label, text in payloads.items():
        page = client.post("/ecert/scan/", {"text": text})
        answers.append(Answer(f"扫码页 {label}", html_problems(page)))
        answers.append(Answer(f"核验接口 {label}", json_problems(
            api.post("/api/v1/ecert/verify", {"payload": text}, format="json"))))
        answers.append(Answer(f"命令行 {label}", cli_problems(run_cli(
            "ecert", "verify", text[:8000], "--trust", str(trust), "--root", str(root),
            capsys=capsys))))
    for text in (LONG_PASTE, NUL_TEXT):
        page = client.post("/verify/", {"key_type": "id_no", "key": text, "name": text})
        answers.append(Answer("证书查询", html_problems(page)))
        answers.append(Answer("查询接口", json_problems(api.post(
            "/api/v1/verify", {"id_no": text, "name": text}, format="json"))))
        client.force_login(world.user("netgov_officer", "A"))
        page = client.post("/netwatch/domains/", {"text": text}, follow=True)
        answers.append(Answer("域名粘贴", html_problems(page)))
        page = client.post("/tips/", {"subject_kind": "holder", "text": text}, follow=True)
        answers.append(Answer("举报正文", html_problems(page)))
        client.logout()
    _check(answers)


def test_batch_item_without_a_name(world):
    api = api_as(world.user("inspector", "A"))
    response = api.post("/api/v1/verify/batch", {"items": [
        {"id_no": ids.make_id_no("140521", date(1985, 3, 14), 31), "name": "李建国"},
        {"id_no": ids.make_id_no("140521", date(1985, 3, 14), 33)},
        {"name": "x" * 500, "id_no": NUL_TEXT}]}, format="json")
    _check([Answer("批量核验", json_problems(response))])


def test_error_pages_are_chinese(db, client, settings):
    settings.DEBUG = False
    for url in ("/no-such-page/", "/selfcheck/uploads/999999/"):
        response = client.get(url)
        assert response.status_code in (302, 404)
        if response.status_code == 404:
            assert CHINESE.search(response.content.decode()) and not html_problems(response)


def test_readme_entry_points_open(world, client):
    client.force_login(world.user("enterprise_user", "A"))
    assert client.get("/selfcheck/").status_code == 302
    assert client.get("/selfcheck/", follow=True).status_code == 200
    assert client.get("/workforce/", follow=True).status_code == 200
    assert settings.LANGUAGE_CODE == "zh-hans"
