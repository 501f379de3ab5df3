"""Synthetic people: sex, birth date, address code, a unique valid ID number, a name."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from certguard import ids
from certguard.synth.codes import fixed_strings, id_chars
from certguard.synth.names import make_names

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

    def __len__(self) -> int:
        return len(self.male)


def _unique_seq(rng: np.random.Generator, *, region: np.ndarray, birth: np.ndarray,
                male: np.ndarray) -> np.ndarray:
    """Sequence codes 0–899 (odd = male), no two people sharing an ID; 900+ is for rebirth().

    People sharing address code and birth date are ranked (one sort) and get consecutive codes
    from a random starting point, so numbers are unique without a retry loop."""
    key = region * 100_000 + (birth.astype(np.int64) + 60_000)
    order = np.argsort(key)
    sorted_key = key[order]
    index = np.arange(len(key))
    starts = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    rank = np.empty(len(key), dtype=np.int64)
    rank[order] = index - np.maximum.accumulate(np.where(starts, index, 0))
    offset = rng.integers(0, 450, size=len(key))
    # The offset of the group's first member is used by every member of the group.
    first = np.empty(len(key), dtype=np.int64)
    first[order] = order[np.maximum.accumulate(np.where(starts, index, 0))]
    return (offset[first] + rank) % 450 * 2 + male.astype(np.int64)


def make_people(rng: np.random.Generator, *, n: int, as_of: int) -> People:
    """Working-age people: men 22–57, women 22–47 at as_of (clear of the R11 limits)."""
    male = rng.random(n) < 0.8
    oldest = np.where(male, 57, 47) * YEAR
    age = 22 * YEAR + (rng.random(n) * (oldest - 22 * YEAR)).astype(np.int64)
    birth = (as_of - age).astype(np.int64)
    counties = county_codes()
    region = counties[rng.integers(0, len(counties), size=n)]
    seq = _unique_seq(rng, region=region, birth=birth, male=male)
    chars = id_chars(region=region, birth_days=birth, seq=seq)
    return People(male, birth, region, seq, chars, make_names(rng, male=male))


def rebirth(people: People, index: np.ndarray, birth: np.ndarray) -> None:
    """Give some people a new birth date (and so a new, still valid and unique, ID number)."""
    people.birth[index] = birth
    # A sequence code outside the normal 0–999 draw keeps the new numbers unique.
    people.seq[index] = 900 + (np.arange(len(index)) % 50) * 2 + people.male[index]
    people.chars[index] = id_chars(region=people.region[index], birth_days=birth,
                                   seq=people.seq[index])
