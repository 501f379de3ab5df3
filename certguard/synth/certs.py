"""Synthetic certificates: items from the catalogue, lifecycle per family, clean by default."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from certguard.catalog import reference
from certguard.synth.codes import digits, ymd_of_days
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


def _families(rng: np.random.Generator, n: int, n_persons: int) -> np.ndarray:
    family = rng.choice(4, size=n, p=FAMILY_WEIGHTS).astype(np.int64)
    first = family[: n - n_persons]  # the first certificate of people who hold two
    second = 1 + rng.integers(0, 3, size=len(first))
    second = np.where(second == first, 1 + second % 3, second)  # never special_ops, never same
    family[n_persons:] = second
    return family


def _periods(first: np.ndarray, family: np.ndarray, as_of: int) -> tuple[np.ndarray, np.ndarray]:
    period = VALIDITY[family] * YEAR
    k = (as_of - first) // period
    valid_from = first + k * period
    return valid_from, valid_from + period - 1


def _reviews(c: Certs, as_of: int, rng: np.random.Generator) -> None:
    """Special-ops reviews every 3 years: a passed review moves the due date to the end."""
    ops = (c.family == 0) & ~c.expired
    mid = c.valid_from + 3 * YEAR
    passed = ops & (mid <= as_of)
    c.review_due = np.where(ops, np.where(passed, c.valid_until, mid), NULL)
    c.last_review = np.where(passed, mid - rng.integers(5, 56, size=len(c)), NULL)


def make_certs(rng: np.random.Generator, *, n: int, people: People, as_of: int,
               window_start: int, n_window: int) -> Certs:
    n_multi = int(n * 0.15)
    n_persons = n - n_multi
    pid = np.arange(n, dtype=np.int64)
    pid[n_persons:] -= n_persons
    family = _families(rng, n, n_persons)
    item = random_item(rng, family)
    window = np.zeros(n, dtype=bool)
    singles = np.arange(n_multi, n_persons)
    window[rng.choice(singles, size=min(n_window, len(singles)), replace=False)] = True
    birth = people.birth[pid]
    lo = np.maximum(birth + 19 * YEAR + 1, as_of - 14 * YEAR)
    hi = window_start - 1
    first = lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)
    w_first = window_start + 30 + (rng.random(n) * (as_of - window_start - 29)).astype(np.int64)
    first = np.where(window, w_first, first)
    valid_from, valid_until = _periods(first, family, as_of)
    expired = (~window) & (rng.random(n) < 0.06)
    e_until = as_of - rng.integers(1, 701, size=n)
    e_from = e_until - VALIDITY[family] * YEAR + 1
    expired &= e_from >= birth + 19 * YEAR + 1
    valid_from = np.where(expired, e_from, valid_from)
    valid_until = np.where(expired, e_until, valid_until)
    first = np.minimum(first, valid_from)
    status = np.where((~window) & (rng.random(n) < 0.025), rng.integers(1, 4, size=n), 0)
    c = Certs(pid, family, item, first, valid_from, valid_until, pid, pid, status, window,
              expired, rng.random(n) < 0.5, n_persons, n_multi)
    _reviews(c, as_of, rng)
    return c


def good(c: Certs) -> np.ndarray:
    """Certificates a clean roster may declare: valid, current, review not overdue."""
    return (c.status == 0) & ~c.expired


_WIDTH = np.array([19, 16, 17, 17], dtype=np.int64)  # bytes per number, by family


def _abbr_bytes() -> np.ndarray:
    table = np.zeros((100, 3), dtype=np.uint8)
    for code in range(100):
        table[code] = np.frombuffer(PROVINCE_ABBR.get(f"{code:02d}", "京").encode(), np.uint8)
    return table


def _by_family(c: Certs, people: People, index: np.ndarray, fam: int) -> np.ndarray:
    """(n, width) UTF-8 bytes of the numbers of one family, built with array arithmetic."""
    n = len(index)
    if fam == 0:  # T + the holder's ID number
        return np.hstack([np.full((n, 1), ord("T"), np.uint8), people.chars[c.pid[index]]])
    province = people.region[c.pid[index]] // 10000
    year = digits(ymd_of_days(c.first[index]) // 10000, 4) + ord("0")
    if fam == 1:  # province abbreviation + city letter + trade + year + serial (DOMAIN §1.2)
        letter = (ord("A") + (index // 10**6) % 26).astype(np.uint8)[:, None]
        trade = np.array([list(code.encode()) if len(code) == 2 else [48, 48]
                          for code in ITEM_CODES], dtype=np.uint8)[c.item[index]]
        return np.hstack([_abbr_bytes()[province], letter, trade, year,
                          digits(index % 10**6, 6) + ord("0")])
    prefix = np.frombuffer(b"TS" if fam == 2 else b"AQ", np.uint8)
    return np.hstack([np.tile(prefix, (n, 1)), digits(province, 2) + ord("0"), year,
                      digits(index, 9) + ord("0")])


def cert_numbers(c: Certs, people: People, index: np.ndarray | None = None) -> pa.Array:
    """Certificate numbers in each family's format (special_ops: T + ID number), for the
    certificates at ``index`` (default all), computed on demand so big runs can stream.
    Every family has a fixed width in bytes, so the Arrow buffers are filled directly."""
    index = np.arange(len(c)) if index is None else np.asarray(index, dtype=np.int64)
    family = c.family[index]
    widths = _WIDTH[family]
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(widths, out=offsets[1:])
    data = np.empty(int(offsets[-1]), dtype=np.uint8)
    for fam in range(4):
        rows = np.flatnonzero(family == fam)
        if len(rows):
            chars = _by_family(c, people, index[rows], fam)
            data[offsets[rows][:, None] + np.arange(chars.shape[1])] = chars
    return pa.StringArray.from_buffers(len(index), pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(data))
