"""Local web sites for the demo build and the capture tests (127.0.0.1 only): a
genuine-looking query page, a fake copy with the emblem and the badge, a page that redirects
forever, one that serves 200 MB."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OFFICIAL = """<!doctype html><html><head><meta charset="utf-8"><title>特种作业操作证查询</title>
<style>body{{font-family:sans-serif;background:#f4f6fb}} .box{{margin:40px auto;width:360px;
background:#fff;padding:24px;border-top:6px solid #b00}} h1{{color:#b00}}</style></head>
<body><div class="box"><h1>特种作业操作证及安全生产知识和管理能力考核合格证查询</h1>
<form action="/q"><label>姓名</label><input name="xm" placeholder="请输入姓名">
<label>身份证号</label><input name="sfzh" placeholder="请输入身份证号">
<button>查询</button></form><div id="result">查询结果将在此显示</div>
<p>{extra}</p></div></body></html>"""
FAKE = OFFICIAL.replace("{extra}", '<img src="/guohui.png" alt="国徽">'
                        '<script src="/conac.js"></script>党政机关网站 证书信息 {extra}')
PLAIN = "<!doctype html><html><head><title>鲜花店</title></head><body><h1>欢迎光临</h1>" \
        "<p>玫瑰、百合，同城配送。</p></body></html>"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")


class _Handler(BaseHTTPRequestHandler):
    state: dict = {}

    def log_message(self, *args) -> None:
        pass

    def _send(self, body: bytes, kind: str = "text/html; charset=utf-8", status: int = 200):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if self.state.get("down"):
            self._send(b"gone", status=503)
        elif path == "/official":
            self._send(OFFICIAL.format(extra="").encode())
        elif path == "/fake":
            self._send(FAKE.format(extra="").encode())
        elif path == "/plain":
            self._send(PLAIN.encode())
        elif path == "/guohui.png":
            self._send(PNG, "image/png")
        elif path == "/conac.js":
            self._send(b"/* badge */", "application/javascript")
        elif path.startswith("/loop"):
            number = int(path[5:] or 0)
            self.send_response(302)
            self.send_header("Location", f"/loop{number + 1}")  # a new URL every time
            self.end_headers()
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the size shows only while reading
            chunk = b"<p>" + b"x" * 65533
            try:
                for _ in range(200 * 16):  # 200 MB
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(b"not found", status=404)


class FixtureSite:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        _Handler.state = {}
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def down(self, value: bool = True) -> None:
        _Handler.state["down"] = value

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
