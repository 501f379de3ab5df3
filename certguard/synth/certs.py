"""Synthetic certificates: items from the catalogue, lifecycle per family, clean by default."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa

from certguard.catalog import reference
from certguard.synth.codes import ascii_digits, chunks, ragged_strings, year_chars
from certguard.synth.people import PROVINCE_ABBR, YEAR, People

FAMILY_KEYS = [f.key for f in reference.FAMILIES]
FAMILY_WEIGHTS = [0.55, 0.20, 0.20, 0.05]
VALIDITY = np.array([f.validity_years for f in reference.FAMILIES], dtype=np.int64)
SOURCES = [f.source for f in reference.FAMILIES]
DEPARTMENTS = ["YJ", "JS", "SJ", "YJ"]
ITEM_CODES = [i.code for i in reference.ITEMS]
ITEM_FAMILY = np.array([FAMILY_KEYS.index(i.family) for i in reference.ITEMS], dtype=np.int64)
FAMILY_START = np.array([int(np.argmax(ITEM_FAMILY == f)) for f in range(4)], dtype=np.int64)
FAMILY_COUNT = np.array([int((ITEM_FAMILY == f).sum()) for f in range(4)], dtype=np.int64)
STATUSES = ["valid", "revoked", "cancelled", "suspended"]
NULL = -1


@dataclass
class Certs:
    pid: np.ndarray
    family: np.ndarray
    item: np.ndarray
    first: np.ndarray
    valid_from: np.ndarray
    valid_until: np.ndarray
    review_due: np.ndarray  # NULL = none
    last_review: np.ndarray
    status: np.ndarray
    window: np.ndarray  # issued inside the exam window (needs a passed exam)
    expired: np.ndarray
    birth_given: np.ndarray  # birth_date column filled
    n_persons: int  # holders are people 0 .. n_persons-1
    n_multi: int  # people 0 .. n_multi-1 hold two certificates

    def __len__(self) -> int:
        return len(self.pid)


def random_item(rng: np.random.Generator, family: np.ndarray) -> np.ndarray:
    u = rng.random(len(family))
    return FAMILY_START[family] + (u * FAMILY_COUNT[family]).astype(np.int64)


_FAMILY_CDF = np.cumsum(np.array(FAMILY_WEIGHTS, dtype=np.float64))
_FAMILY_CDF /= _FAMILY_CDF[-1]


def _families(rng: np.random.Generator, u: np.ndarray, n_persons: int) -> np.ndarray:
    """Families by weight (as rng.choice(4, p=FAMILY_WEIGHTS) maps its draws), into int8."""
    n = len(u)
    rng.random(out=u)
    family = np.empty(n, dtype=np.int8)
    for part in chunks(n):  # how many cumulative weights are <= u (searchsorted, side=right)
        family[part] = sum((u[part] >= bound).view(np.int8) for bound in _FAMILY_CDF)
    first = family[: n - n_persons]  # the first certificate of people who hold two
    second = 1 + rng.integers(0, 3, size=len(first))
    second = np.where(second == first, 1 + second % 3, second)  # never special_ops, never same
    family[n_persons:] = second
    return family


def _periods(first: np.ndarray, family: np.ndarray, as_of: int) -> tuple[np.ndarray, np.ndarray]:
    period = VALIDITY[family] * YEAR
    # Whole periods since the first issue. Float division is exact here (day counts are far
    # below 2**53 and a quotient is never within rounding of the next integer) and much faster
    # than integer division by an array.
    k = np.floor((as_of - first) / period).astype(np.int64)
    valid_from = first + k * period
    return valid_from, valid_from + period - 1


def _reviews(c: Certs, as_of: int, rng: np.random.Generator) -> None:
    """Special-ops reviews every 3 years: a passed review moves the due date to the end."""
    ops = (c.family == 0) & ~c.expired
    drawn = rng.integers(5, 56, size=len(c))
    c.review_due = np.empty(len(c), dtype=np.int32)
    c.last_review = np.empty(len(c), dtype=np.int32)
    for part in chunks(len(c)):
        mid = c.valid_from[part] + 3 * YEAR
        passed = ops[part] & (mid <= as_of)
        c.review_due[part] = np.where(ops[part], np.where(passed, c.valid_until[part], mid), NULL)
        c.last_review[part] = np.where(passed, mid - drawn[part], NULL)


def make_certs(rng: np.random.Generator, *, n: int, people: People, as_of: int,
               window_start: int, n_window: int) -> Certs:
    """Certificates of people 0 .. n_persons-1 (the first n_multi hold a second one).

    Random draws are whole vectors in a fixed order, read into one reused buffer where the API
    allows; the arithmetic runs in chunks into narrow arrays (days as int32), because at 20
    million certificates every full-size int64 temporary is 160 MB of fresh memory."""
    n_multi = int(n * 0.15)
    n_persons = n - n_multi
    pid = np.arange(n, dtype=np.int32)
    pid[n_persons:] -= n_persons
    u = np.empty(n)
    family = _families(rng, u, n_persons)
    rng.random(out=u)
    item = np.empty(n, dtype=np.int32)
    for part in chunks(n):  # = random_item(rng, family)
        fam = family[part]
        item[part] = FAMILY_START[fam] + (u[part] * FAMILY_COUNT[fam]).astype(np.int64)
    window = np.zeros(n, dtype=bool)
    singles = n_persons - n_multi  # certificates n_multi .. n_persons-1
    window[n_multi + rng.choice(singles, size=min(n_window, singles), replace=False)] = True
    hi = window_start - 1
    rng.random(out=u)
    first = np.empty(n, dtype=np.int32)
    adult = np.empty(n, dtype=np.int32)  # the holder's 19th birthday (+1 day)
    for part in chunks(n):
        adult[part] = people.birth[pid[part]] + 19 * YEAR + 1
        lo = np.maximum(adult[part], as_of - 14 * YEAR)
        first[part] = lo + (u[part] * (hi - lo + 1)).astype(np.int64)
    rng.random(out=u)
    for part in chunks(n):
        w_first = window_start + 30 + (u[part] * (as_of - window_start - 29)).astype(np.int64)
        first[part] = np.where(window[part], w_first, first[part])
    rng.random(out=u)
    expired = u < 0.06
    expired &= ~window
    drawn = rng.integers(1, 701, size=n)
    valid_from = np.empty(n, dtype=np.int32)
    valid_until = np.empty(n, dtype=np.int32)
    for part in chunks(n):
        fam = family[part]
        start, until = _periods(first[part], fam, as_of)
        e_until = as_of - drawn[part]
        e_from = e_until - VALIDITY[fam] * YEAR + 1
        gone = expired[part] & (e_from >= adult[part])
        expired[part] = gone
        valid_from[part] = np.where(gone, e_from, start)
        valid_until[part] = np.where(gone, e_until, until)
        first[part] = np.minimum(first[part], valid_from[part])
    del drawn, adult
    rng.random(out=u)
    drawn = rng.integers(1, 4, size=n)
    status = np.empty(n, dtype=np.int8)
    for part in chunks(n):
        status[part] = np.where(~window[part] & (u[part] < 0.025), drawn[part], 0)
    del drawn
    rng.random(out=u)
    birth_given = u < 0.5
    del u
    c = Certs(pid, family, item, first, valid_from, valid_until, pid, pid, status, window,
              expired, birth_given, n_persons, n_multi)
    _reviews(c, as_of, rng)
    return c


def good(c: Certs) -> np.ndarray:
    """Certificates a clean roster may declare: valid, current, review not overdue."""
    return (c.status == 0) & ~c.expired


_WIDTH = np.array([19, 16, 17, 17], dtype=np.int32)  # bytes per number, by family
_SPECIAL_OPS = np.dtype({"names": ["t", "id"], "formats": ["u1", "V18"], "offsets": [0, 1],
                         "itemsize": 19})
_CONSTRUCTION = np.dtype({"names": ["abbr", "letter", "trade", "year", "hi", "lo"],
                          "formats": ["V3", "u1", "V2", "V4", "V3", "V3"],
                          "offsets": [0, 3, 4, 6, 10, 13], "itemsize": 19})
_PREFIXED = np.dtype({"names": ["prefix", "province", "year", "a", "b", "c"],
                      "formats": ["V2", "V2", "V4", "V3", "V3", "V3"],
                      "offsets": [0, 2, 4, 8, 11, 14], "itemsize": 19})


@cache
def _tables() -> dict[str, np.ndarray]:
    """Fixed byte pieces of certificate numbers, as single items to gather by index."""
    abbr = np.zeros((100, 3), dtype=np.uint8)
    for code in range(100):
        abbr[code] = np.frombuffer(PROVINCE_ABBR.get(f"{code:02d}", "京").encode(), np.uint8)
    trade = np.array([list(code.encode()) if len(code) == 2 else [48, 48]
                      for code in ITEM_CODES], dtype=np.uint8)
    return {"abbr": abbr.view("V3").reshape(-1), "trade": trade.view("V2").reshape(-1),
            "pairs": np.ascontiguousarray(ascii_digits(np.arange(100), 2)).view("V2").reshape(-1),
            "triples": np.ascontiguousarray(ascii_digits(np.arange(1000), 3)).view("V3")
            .reshape(-1),
            "TS": np.frombuffer(b"TS", "V2")[0], "AQ": np.frombuffer(b"AQ", "V2")[0]}


def _by_family(c: Certs, people: People, index: np.ndarray, fam: int,
               ids: np.ndarray | None) -> np.ndarray:
    """19-byte items (padded) with the numbers of one family, filled piece by piece."""
    t = _tables()
    if fam == 0:  # T + the holder's ID number
        out = np.empty(len(index), _SPECIAL_OPS)
        out["t"] = ord("T")
        out["id"] = ids if ids is not None else \
            np.ascontiguousarray(people.chars).view("V18").reshape(-1)[c.pid[index]]
        return out.view("V19")
    province = people.region[c.pid[index]] // 10000
    year = year_chars(c.first[index])
    if fam == 1:  # province abbreviation + city letter + trade + year + serial (DOMAIN §1.2)
        out = np.empty(len(index), _CONSTRUCTION)
        out["abbr"] = t["abbr"][province]
        out["letter"] = ord("A") + (index // 10**6) % 26
        out["trade"] = t["trade"][c.item[index]]
        out["year"] = year
        out["hi"] = t["triples"][index // 1000 % 1000]
        out["lo"] = t["triples"][index % 1000]
        return out.view("V19")
    out = np.empty(len(index), _PREFIXED)
    out["prefix"] = t["TS"] if fam == 2 else t["AQ"]
    out["province"] = t["pairs"][province % 100]
    out["year"] = year
    out["a"] = t["triples"][index // 10**6 % 1000]
    out["b"] = t["triples"][index // 1000 % 1000]
    out["c"] = t["triples"][index % 1000]
    return out.view("V19")


def cert_chars(c: Certs, people: People, index: np.ndarray,
               ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(n, 19) bytes of the numbers at ``index`` (each row valid up to its width) and the
    widths. ``ids``: the holders' ID numbers as 18-byte items, when the caller has them."""
    family = c.family[index]
    out = np.empty((len(index), 19), dtype=np.uint8)
    # Every row first as special_ops (T + ID number: most rows, and no gather or scatter),
    # then the other families' rows are overwritten with their own layout.
    special = out.view(_SPECIAL_OPS).reshape(-1)
    special["t"] = ord("T")
    special["id"] = ids if ids is not None else \
        np.ascontiguousarray(people.chars).view("V18").reshape(-1)[c.pid[index]]
    items = out.view("V19").reshape(-1)
    for fam in range(1, 4):
        sel = np.flatnonzero(family == fam)
        if len(sel):
            items[sel] = _by_family(c, people, index[sel], fam, None)
    return out, _WIDTH[family]


def cert_numbers(c: Certs, people: People, index: np.ndarray | None = None) -> pa.Array:
    """Certificate numbers in each family's format (special_ops: T + ID number), for the
    certificates at ``index`` (default all), computed on demand so big runs can stream.
    Every family has a fixed width in bytes, so the pieces are gathered from small tables
    into a byte matrix and Arrow packs its rows to their widths."""
    index = np.arange(len(c)) if index is None else np.asarray(index, dtype=np.int64)
    return ragged_strings(*cert_chars(c, people, index))
