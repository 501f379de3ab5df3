"""Synthetic people: sex, birth date, address code, a unique valid ID number, a name."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from certguard import ids
from certguard.synth.codes import (
    chunks,
    each_chunk,
    each_chunk_drawing,
    fixed_strings,
    id_chars,
    rows,
)
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
    _names: pa.Array | Future[pa.Array]  # drawn on another thread until first asked for

    @property
    def names(self) -> pa.DictionaryArray:
        """Everyone's name (codes into one dictionary of every possible name)."""
        if isinstance(self._names, Future):
            self._names = self._names.result()
        return self._names

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
    offset = rng.integers(0, 450, size=n, dtype=np.int16)
    seq = np.empty(n, dtype=np.int16)

    def number(part: slice) -> None:  # order is a permutation: parts write distinct people
        first = group_start[part]
        rank = np.arange(part.start, part.stop, dtype=first.dtype) - first
        seq[order[part]] = (offset[first] + rank) % 450 * 2

    each_chunk(number, n)
    seq += male
    return seq


def _in_background(work: Callable[[], pa.Array], name: str) -> Future[pa.Array]:
    """Run work() on a thread of its own; its result (or error) arrives in the future."""
    future: Future[pa.Array] = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as exc:  # handed to whoever asks for the result
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


def make_people(rng: np.random.Generator, *, n: int, as_of: int) -> People:
    """Working-age people: men 22–57, women 22–47 at as_of (clear of the R11 limits).

    Sex, birth date and region are drawn chunk by chunk on two cores, each chunk from a
    stream of its own (spawned from rng, so all is fixed by the seed); the arithmetic writes
    narrow result arrays, so no full-size temporaries are created. The names are drawn on
    another thread while the ID numbers, and the caller's next steps, are computed here:
    `names` waits for them when first used."""
    names_rng, place_rng = rng.spawn(2)
    counties = county_codes()
    male = np.empty(n, dtype=bool)
    birth = np.empty(n, dtype=np.int32)
    region = np.empty(n, dtype=np.int32)

    def place(part: slice, stream: np.random.Generator) -> None:
        u = stream.random((2, part.stop - part.start))
        is_male = male[part] = u[0] < 0.8
        oldest = np.where(is_male, 57, 47) * YEAR
        birth[part] = as_of - (22 * YEAR + (u[1] * (oldest - 22 * YEAR)).astype(np.int32))
        region[part] = counties[stream.integers(0, len(counties), size=len(u[0]),
                                                dtype=np.int32)]

    each_chunk_drawing(place, n, place_rng)
    names = _in_background(lambda: make_names(names_rng, male=male), "synth-names")
    seq = _unique_seq(rng, region=region, birth=birth, male=male)
    chars = np.empty((n, 18), dtype=np.uint8)

    def fill_chars(part: slice) -> None:
        chars[part] = id_chars(region=region[part], birth_days=birth[part], seq=seq[part])

    each_chunk(fill_chars, n)
    return People(male, birth, region, seq, chars, names)


def rebirth(people: People, index: np.ndarray, birth: np.ndarray) -> None:
    """Give some people a new birth date (and so a new, still valid and unique, ID number)."""
    people.birth[index] = birth
    # A sequence code outside the normal 0–999 draw keeps the new numbers unique.
    people.seq[index] = 900 + (np.arange(len(index)) % 50) * 2 + people.male[index]
    people.chars[index] = id_chars(region=people.region[index], birth_days=birth,
                                   seq=people.seq[index])
