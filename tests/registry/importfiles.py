"""Certificates files for the import tests, written by code (never committed)."""

import csv
from datetime import date

from certguard import ids

HEADER = ["cert_no", "id_no", "name", "family", "item_code", "issuer_code", "first_issued",
          "valid_from", "valid_until", "review_due", "status", "source"]
GOOD_ID = ids.make_id_no("140521", date(1980, 5, 1), 11)
OTHER_ID = ids.make_id_no("140522", date(1979, 2, 3), 21)


def person(n: int) -> str:
    return ids.make_id_no("140521", date(1970 + n % 30, 1 + n % 12, 1 + n % 28), n % 900 + 1)


def row(id_no=GOOD_ID, name="赵大勇", **over):
    values = {"cert_no": "T" + id_no, "id_no": id_no, "name": name, "family": "special_ops",
              "item_code": "1.2", "issuer_code": "140000-YJ", "first_issued": "2021-03-01",
              "valid_from": "2021-03-01", "valid_until": "2027-02-28",
              "review_due": "2024-03-01", "status": "valid", "source": "gd-yj"}
    return {**values, **over}


def csv_text(rows, header=HEADER) -> str:
    lines = [",".join(header)]
    lines += [",".join(str(r.get(h, "")) for h in header) for r in rows]
    return "\n".join(lines) + "\n"


def write_csv(tmp_path, rows, name="certs.csv", header=HEADER):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
