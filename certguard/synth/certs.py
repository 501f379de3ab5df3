"""Synthetic certificates: items from the catalogue, lifecycle per family, clean by default."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa

from certguard.catalog import reference
from certguard.synth.codes import ascii_digits, each_chunk_drawing, ragged_strings, year_chars
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


def _family_of(u: np.ndarray) -> np.ndarray:
    """Families by weight for uniform draws u (as rng.choice(4, p=FAMILY_WEIGHTS) maps its
    draws: how many cumulative weights are <= u), as int8."""
    return sum((u >= bound).view(np.int8) for bound in _FAMILY_CDF)


def _periods(first: np.ndarray, family: np.ndarray, as_of: int) -> tuple[np.ndarray, np.ndarray]:
    period = VALIDITY[family] * YEAR
    # Whole periods since the first issue. Float division is exact here (day counts are far
    # below 2**53 and a quotient is never within rounding of the next integer) and much faster
    # than integer division by an array.
    k = np.floor((as_of - first) / period).astype(np.int64)
    valid_from = first + k * period
    return valid_from, valid_from + period - 1


def _draw(u: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Integers lo..hi (inclusive) from uniform draws u."""
    return lo + (u * (hi - lo + 1)).astype(np.int32)


def make_certs(rng: np.random.Generator, *, n: int, people: People, as_of: int,
               window_start: int, n_window: int) -> Certs:
    """Certificates of people 0 .. n_persons-1 (the first n_multi hold a second one).

    Work runs chunk by chunk on two cores, each chunk drawing from a stream of its own
    (spawned from rng, so all is fixed by the seed), into narrow result arrays (days as
    int32): at 20 million certificates every full-size int64 temporary would be 160 MB of
    fresh memory. Only the exam-window sample is drawn over all certificates at once."""
    n_multi = int(n * 0.15)
    n_persons = n - n_multi
    pid = np.arange(n, dtype=np.int32)
    pid[n_persons:] -= n_persons
    window = np.zeros(n, dtype=bool)
    singles = n_persons - n_multi  # certificates n_multi .. n_persons-1
    window[n_multi + rng.choice(singles, size=min(n_window, singles), replace=False)] = True
    first_rng, rest_rng = rng.spawn(2)
    family = np.empty(n, dtype=np.int8)

    def first_family(part: slice, stream: np.random.Generator) -> None:
        family[part] = _family_of(stream.random(part.stop - part.start))

    # Everyone's first certificate; a second one (n_persons ..) depends on its holder's first.
    each_chunk_drawing(first_family, n_persons, first_rng)
    item = np.empty(n, dtype=np.int32)
    first = np.empty(n, dtype=np.int32)
    valid_from = np.empty(n, dtype=np.int32)
    valid_until = np.empty(n, dtype=np.int32)
    review_due = np.empty(n, dtype=np.int32)  # NULL = none
    last_review = np.empty(n, dtype=np.int32)
    status = np.empty(n, dtype=np.int8)
    expired = np.empty(n, dtype=bool)
    birth_given = np.empty(n, dtype=bool)
    hi = window_start - 1

    def fill(part: slice, stream: np.random.Generator) -> None:
        u = stream.random((10, part.stop - part.start))
        holder = pid[part]
        if part.stop > n_persons:  # second certificates: never special_ops, never the same
            at = max(part.start, n_persons) - part.start
            other = family[holder[at:]]
            second = _draw(u[9, at:], 1, 3).astype(np.int8)
            family[max(part.start, n_persons):part.stop] = np.where(
                second == other, 1 + second % 3, second)
        fam = family[part]
        item[part] = FAMILY_START[fam] + (u[0] * FAMILY_COUNT[fam]).astype(np.int32)
        adult = people.birth[holder] + 19 * YEAR + 1  # the holder's 19th birthday (+1 day)
        lo = np.maximum(adult, as_of - 14 * YEAR)
        issued = lo + (u[1] * (hi - lo + 1)).astype(np.int32)
        recent = window[part]
        issued = np.where(recent, _draw(u[2], window_start + 30, as_of), issued)
        start, until = _periods(issued, fam, as_of)
        e_until = as_of - _draw(u[4], 1, 700)
        e_from = e_until - VALIDITY[fam] * YEAR + 1
        gone = (u[3] < 0.06) & ~recent & (e_from >= adult)
        expired[part] = gone
        v_from = valid_from[part] = np.where(gone, e_from, start)
        v_until = valid_until[part] = np.where(gone, e_until, until)
        first[part] = np.minimum(issued, v_from)
        status[part] = np.where(~recent & (u[5] < 0.025), _draw(u[6], 1, 3), 0)
        birth_given[part] = u[7] < 0.5
        # Special-ops reviews every 3 years: a passed review moves the due date to the end.
        ops = (fam == 0) & ~gone
        mid = v_from + 3 * YEAR
        passed = ops & (mid <= as_of)
        review_due[part] = np.where(ops, np.where(passed, v_until, mid), NULL)
        last_review[part] = np.where(passed, mid - _draw(u[8], 5, 55), NULL)

    each_chunk_drawing(fill, n, rest_rng)
    return Certs(pid, family, item, first, valid_from, valid_until, review_due, last_review,
                 status, window, expired, birth_given, n_persons, n_multi)


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
    # The serial's digit groups: millions, thousands, units (int32: several times faster
    # to divide than int64).
    serial = np.asarray(index, dtype=np.int32)
    thousands = serial // 1000
    units = serial - thousands * 1000
    millions = thousands // 1000
    thousands -= millions * 1000
    if fam == 1:  # province abbreviation + city letter + trade + year + serial (DOMAIN §1.2)
        out = np.empty(len(index), _CONSTRUCTION)
        out["abbr"] = t["abbr"][province]
        out["letter"] = ord("A") + millions % 26
        out["trade"] = t["trade"][c.item[index]]
        out["year"] = year
        out["hi"] = t["triples"][thousands]
        out["lo"] = t["triples"][units]
        return out.view("V19")
    out = np.empty(len(index), _PREFIXED)
    out["prefix"] = t["TS"] if fam == 2 else t["AQ"]
    out["province"] = t["pairs"][province % 100]
    out["year"] = year
    out["a"] = t["triples"][millions % 1000]
    out["b"] = t["triples"][thousands]
    out["c"] = t["triples"][units]
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
