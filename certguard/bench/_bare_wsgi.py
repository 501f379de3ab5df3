"""The minimal baseline for the HTTP benchmark: a bare WSGI app (no Django) that answers the
same POST with the same registry lookup, straight through sqlite3 or psycopg, and JSON."""

from __future__ import annotations

import json
import os

from certguard.registry.lookup_sql import BY_ID_NO

_connection = None


def _cursor():
    global _connection
    if _connection is None:
        url = os.environ["DATABASE_URL"]
        if url.startswith("sqlite"):
            import sqlite3

            _connection = sqlite3.connect(url.split("sqlite:///", 1)[1],
                                          check_same_thread=False)
        else:
            import psycopg

            _connection = psycopg.connect(url, autocommit=True)
    return _connection.cursor()


def application(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    query = json.loads(environ["wsgi.input"].read(size))
    sql = BY_ID_NO if os.environ["DATABASE_URL"].startswith("postgres") else BY_ID_NO.replace(
        "%s", "?")
    cursor = _cursor()
    cursor.execute(sql, [query["id_no"]])
    rows = [list(map(str, row)) for row in cursor.fetchall() if row[13] == query["name"]]
    body = json.dumps({"result": "found" if rows else "not_found", "certificates": rows},
                      ensure_ascii=False).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
