"""The import's vectorised row check (import_vector) against the per-row check (import_rows),
differentially: over seeded rows, clean and spoiled in every column, a row the vectorised pass
calls clean must be accepted by the per-row check with exactly the same staged values; a row
it leaves alone goes to the per-row check, so it may be stricter, never laxer."""

import random
from datetime import date

import pyarrow as pa

from certguard import ids
from certguard.registry.import_rows import STAGE_FIELDS, Reject, Remit, RowChecker
from certguard.registry.import_source import COLUMNS
from certguard.registry.import_vector import VectorCheck

AS_OF = date(2024, 9, 1)
ITEMS = {("special_ops", "1.2"), ("special_ops", "9.15"), ("construction", "A"),
         ("special_equipment", "Q2"), ("safety_manager", "M2")}
ISSUERS = {"140000-YJ": 7, "440000-SJ": 9}
NASTY = ["", " ", "\t", "\x1b", "\u3000", "\xa0", "x", "X", "０", "Ｔ", "·", "-", "'", "\u200b",
         "é", "9" * 41, "\ufeff", "\U0002a6a5"]
SPOILED = {"id_no": ["", "1405211980050100", "14052119800501001", "14052119800230001X",
                     "14052119800501001x", "999999198005010011", "140521210005010018",
                     "140521180005010011", "810000198005010015",
                     "１４０５２１１９８００５０１００１X"],
           "first_issued": ["2021-02-29", "2024-02-29", "0000-01-01", "2021-13-01", "2021-1-01",
                            "2021-01-32", " 2021-01-01", "２０２１-01-01", "", "2000-04-31"],
           "status": ["VALID", "valid ", "bogus", "", "revoked"],
           "family": ["special_ops ", "SPECIAL_OPS", "construction", "nope"],
           "item_code": ["1.2 ", "A", "Q2", "1.20", "M2"],
           "sex": ["男", "女", "", " 男", "M", None],
           "source": ["", None, "gd yj", "gd-yj", "x" * 21, "来源"],
           "issuer_code": ["140000-YJ", "440000-SJ", "999999-XX", "", "140000 YJ"],
           "review_due": ["", None, "2024-02-30", "2024-02-29", "later"],
           "valid_until": ["2020-01-01", "2099-12-31", "2021-03-01"]}


def _good(rng: random.Random, n: int) -> dict:
    birth = date(1950 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
    region = rng.choice(["140521", "440106", "110101", "810000", "140522"])
    id_no = ids.make_id_no(region, birth, rng.randrange(1000))
    family, item = rng.choice(sorted(ITEMS))
    cert_no = "T" + id_no if family == "special_ops" else rng.choice(
        ["TS4420110001", "粤A042019000025", "AQ322018000180000"])
    return {"cert_no": cert_no, "id_no": id_no, "name": rng.choice(["赵大勇", "钱小红", "李"]),
            "sex": rng.choice([None, "", "男", "女"]), "birth_date": rng.choice([None, "",
                                                                             "1980-01-01"]),
            "family": family, "item_code": item,
            "issuer_code": rng.choice(["140000-YJ", "440000-SJ", "330000-YJ"]),
            "first_issued": "2021-03-01", "valid_from": "2021-03-01",
            "valid_until": "2027-02-28", "review_due": rng.choice([None, "", "2024-03-01"]),
            "last_review": rng.choice([None, "", "2023-03-01"]), "status": "valid",
            "source": rng.choice([None, "", "gd-yj", "mem"])}


def _rows(seed: int, n: int) -> list[tuple[int, list]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        values = _good(rng, i)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            column = rng.choice([*SPOILED, "cert_no", "name", "any"])
            if column in SPOILED:
                values[column] = rng.choice(SPOILED[column])
            else:
                column = rng.choice(COLUMNS) if column == "any" else column
                text = values[column] or ""
                at = rng.randrange(len(text) + 1)
                values[column] = text[:at] + rng.choice(NASTY) + text[at:]
        out.append((i + 2, [values[c] for c in COLUMNS]))
    return out


def _compare(remit: Remit, seed: int, n: int = 4000) -> tuple[int, int]:
    rows = _rows(seed, n)
    checker = RowChecker(items=ITEMS, issuers=ISSUERS, remit=remit, today=AS_OF)
    vector = VectorCheck(items=ITEMS, issuers=ISSUERS, remit=remit, as_of=AS_OF)
    table = vector.table(rows)
    assert table is not None
    clean = vector.clean(table)
    assert clean is not None
    by_line = {row[0]: tuple(row) for row in zip(*[c.to_pylist() for c in clean.columns],
                                                  strict=True)}
    accepted = 0
    for line, values in rows:
        try:
            python = checker.check(line, values)
        except Reject as problem:
            assert line not in by_line, (values, problem.code)
            continue
        accepted += 1
        if line in by_line:
            assert by_line[line] == python, values
    assert tuple(clean.column_names) == STAGE_FIELDS
    return len(by_line), accepted


def test_clean_rows_are_staged_exactly_as_the_row_check_stages_them():
    clean, accepted = _compare(Remit(), 16)
    assert 1000 < clean <= accepted  # both paths exercised


def test_an_issuing_officer_remit_is_applied_the_same_way():
    remit = Remit(issuer_code="140000-YJ", families=frozenset({"special_ops"}),
                  authority_name="山西省应急管理厅")
    clean, accepted = _compare(remit, 17)
    assert 100 < clean <= accepted


def test_every_address_code_and_its_abolition_year_as_ids_check_id_no():
    rng = random.Random(2260)
    rows = []
    for code, (_start, end) in ids.region_code_years().items():
        for year in {1899, 1900, 1985, 2024, 2025} | ({end - 1, end, end + 1} if end else set()):
            birth = f"{year:04d}{rng.randrange(1, 13):02d}{rng.choice([1, 28, 29, 30, 31]):02d}"
            first17 = code + birth + f"{rng.randrange(1000):03d}"
            for id_no in (first17 + ids.id_check_char(first17), first17 + "0"):
                rows.append({"cert_no": "T" + id_no, "id_no": id_no})
    base = _good(random.Random(1), 0)
    lines = [(i + 2, [{**base, "family": "special_ops", "item_code": "1.2", **r}[c]
                      for c in COLUMNS]) for i, r in enumerate(rows)]
    vector = VectorCheck(items=ITEMS, issuers=ISSUERS, remit=Remit(), as_of=AS_OF)
    clean = vector.clean(vector.table(lines))
    found = set(clean.column("id_no").to_pylist())
    python = {r["id_no"] for r in rows if (c := ids.check_id_no(r["id_no"], as_of=AS_OF)).ok
              and c.id_no == r["id_no"]}
    assert found == python
    assert len(found) > 5000


def test_a_column_that_is_not_text_is_left_to_the_row_check():
    vector = VectorCheck(items=ITEMS, issuers=ISSUERS, remit=Remit(), as_of=AS_OF)
    table = vector.table([(2, [1] * len(COLUMNS))])
    assert table is None
    numbers = pa.table({"line": [2], **{c: pa.array([1], pa.int64()) for c in COLUMNS}})
    assert vector.clean(numbers) is None
