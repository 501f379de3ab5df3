"""Synthetic people: sex, birth date, address code, a unique valid ID number, a name."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from certguard import ids
from certguard.synth.codes import chunks, fixed_strings, id_chars, rows
from certguard.synth.names import make_names, name_strings

YEAR = 365  # day arithmetic for synthetic dates; margins of a year keep rules away from edges

PROVINCE_ABBR = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}


def county_codes() -> np.ndarray:
    """Current county-level address codes (never abandoned), as integers."""
    codes = [int(code) for code, (_, end) in ids.region_code_years().items()
             if end is None and not code.endswith("00") and code[:2] in PROVINCE_ABBR]
    return np.array(sorted(codes), dtype=np.int64)


@dataclass
class People:
    male: np.ndarray
    birth: np.ndarray  # days since 1970-01-01
    region: np.ndarray
    seq: np.ndarray
    chars: np.ndarray  # (n, 18) uint8
    names: pa.Array

    @property
    def id_no(self) -> pa.StringArray:
        return fixed_strings(self.chars)

    def ids(self, pid: np.ndarray) -> pa.StringArray:
        """ID numbers of the people at pid."""
        return fixed_strings(rows(self.chars, pid))

    def name_strings(self, pid: np.ndarray) -> pa.StringArray:
        """Names of the people at pid, as plain strings."""
        return name_strings(self.names.indices.to_numpy()[np.asarray(pid, dtype=np.int64)])

    def __len__(self) -> int:
        return len(self.male)


def _unique_seq(rng: np.random.Generator, *, region: np.ndarray, birth: np.ndarray,
                male: np.ndarray) -> np.ndarray:
    """Sequence codes 0–899 (odd = male), no two people sharing an ID; 900+ is for rebirth().

    People sharing address code and birth date are ranked (one sort) and get consecutive codes
    from a random starting point, so numbers are unique without a retry loop. The sort is of
    (key, person) packed into one integer: a plain value sort, several times faster than an
    argsort, and stable (people of one key are ranked in their order). Work is in place or in
    chunks: at 20 million people every full-size temporary costs ~160 MB of fresh memory."""
    n = len(region)
    key = region.astype(np.int64)
    key *= 100_000
    key += birth
    key += 60_000
    bits = max(1, (n - 1).bit_length())
    if n and int(key.max()) < 1 << (62 - bits) and int(key.min()) >= 0:
        key <<= bits
        key |= np.arange(n, dtype=np.int64)
        key.sort()
        order = np.empty(n, dtype=np.int32 if bits < 32 else np.int64)
        for part in chunks(n):
            order[part] = key[part] & ((1 << bits) - 1)
        key >>= bits
    else:
        order = np.argsort(key, kind="stable")
        key = key[order]
    starts = np.ones(n, dtype=bool)
    np.not_equal(key[1:], key[:-1], out=starts[1:])
    del key
    group_start = np.arange(n, dtype=order.dtype)
    group_start *= starts
    np.maximum.accumulate(group_start, out=group_start)
    # Every member of a group starts from the offset drawn at the group's first position.
    offset = rng.integers(0, 450, size=n)
    seq = np.empty(n, dtype=np.int16)
    for part in chunks(n):
        first = group_start[part]
        rank = np.arange(part.start, part.stop) - first
        seq[order[part]] = (offset[first] + rank) % 450 * 2
    seq += male
    return seq


def make_people(rng: np.random.Generator, *, n: int, as_of: int) -> People:
    """Working-age people: men 22–57, women 22–47 at as_of (clear of the R11 limits).

    Draws are whole vectors (one stream order for any size); the arithmetic on them runs in
    chunks into narrow result arrays, so no full-size int64 temporaries are created."""
    u = rng.random(n)
    male = u < 0.8
    rng.random(out=u)
    birth = np.empty(n, dtype=np.int32)
    for part in chunks(n):
        oldest = np.where(male[part], 57, 47) * YEAR
        age = 22 * YEAR + (u[part] * (oldest - 22 * YEAR)).astype(np.int64)
        birth[part] = as_of - age
    del u
    counties = county_codes()
    picked = rng.integers(0, len(counties), size=n)
    region = np.empty(n, dtype=np.int32)
    for part in chunks(n):
        region[part] = counties[picked[part]]
    del picked
    seq = _unique_seq(rng, region=region, birth=birth, male=male)
    chars = np.empty((n, 18), dtype=np.uint8)

    def fill_chars() -> None:
        for part in chunks(n):
            chars[part] = id_chars(region=region[part], birth_days=birth[part], seq=seq[part])

    # ID numbers need no random draws: they are built on a second core (numpy releases the
    # GIL) while the names are drawn here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        built = pool.submit(fill_chars)
        names = make_names(rng, male=male)
        built.result()
    return People(male, birth, region, seq, chars, names)


def rebirth(people: People, index: np.ndarray, birth: np.ndarray) -> None:
    """Give some people a new birth date (and so a new, still valid and unique, ID number)."""
    people.birth[index] = birth
    # A sequence code outside the normal 0–999 draw keeps the new numbers unique.
    people.seq[index] = 900 + (np.arange(len(index)) % 50) * 2 + people.male[index]
    people.chars[index] = id_chars(region=people.region[index], birth_days=birth,
                                   seq=people.seq[index])
