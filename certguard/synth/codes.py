"""Vectorised ID numbers and credit codes, built from certguard.ids' constants.

The algorithm lives in certguard.ids; these functions only apply its weights and check
tables to whole numpy arrays at once (a Python loop would cost a minute at 20 M people).
Tests compare the output with ids.check_id_no / ids.check_credit_code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa

from certguard import ids

_ID_CHECK = np.frombuffer(ids.ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)
_CREDIT_ALPHABET = np.frombuffer(ids.CREDIT_ALPHABET.encode("ascii"), dtype=np.uint8)
_CREDIT_WEIGHTS = np.array(ids.CREDIT_WEIGHTS, dtype=np.int64)


CHUNK = 1 << 18  # rows per step of chunked work: temporaries stay small and are reused


def chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    """Consecutive slices covering range(n)."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def each_chunk(work: Callable[[slice], object], n: int, *, threads: int = 2) -> None:
    """work(part) for every slice of chunks(n), on `threads` threads at once: numpy releases
    the GIL for the arithmetic on a part, so the parts run on separate cores. work must only
    read shared arrays and write its own part (or positions no other part writes), so the
    result is the same as a plain loop's."""
    parts = list(chunks(n))
    if len(parts) < 2 or threads < 2:
        for part in parts:
            work(part)
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="synth-chunk") as pool:
        for _ in pool.map(work, parts):
            pass


def each_chunk_drawing(work: Callable[[slice, np.random.Generator], object], n: int,
                       rng: np.random.Generator, *, threads: int = 2) -> None:
    """As each_chunk, with a random stream per part (spawned from rng, so the draws depend
    only on the seed and n, not on which thread runs which part, or when)."""
    parts = list(chunks(n))
    streams = dict(zip((p.start for p in parts), rng.spawn(len(parts)), strict=True))
    each_chunk(lambda part: work(part, streams[part.start]), n, threads=threads)


def sample_where(rng: np.random.Generator, mask: np.ndarray, used: np.ndarray, k: int
                 ) -> np.ndarray:
    """k distinct random positions where mask is true and used is false (fewer if there are
    not that many), in random order; marks them used.

    When they are a small part of what qualifies, random positions are drawn and kept if
    they qualify: no list of all candidates (up to 20 million 8-byte positions) is built."""
    free = mask & ~used
    available = int(np.count_nonzero(free))
    k = min(k, available)
    if k > available // 4:  # a large share: drawing until found would waste draws
        chosen = rng.choice(np.flatnonzero(free), size=k, replace=False)
        used[chosen] = True
        return chosen
    found: list[np.ndarray] = []
    need = k
    while need:
        draw = rng.integers(0, len(mask), size=need * len(mask) // available * 5 // 4 + 64)
        draw = np.sort(draw[free[draw]])  # a random set of qualifying positions, once each
        draw = draw[np.r_[True, draw[1:] != draw[:-1]]] if len(draw) else draw
        if len(draw) > need:
            draw = rng.choice(draw, size=need, replace=False)
        else:
            rng.shuffle(draw)
        free[draw] = False
        used[draw] = True
        found.append(draw)
        need -= len(draw)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def fixed_strings(chars: np.ndarray) -> pa.StringArray:
    """An (n, width) uint8 ASCII matrix as an Arrow string array, without Python objects."""
    n, width = chars.shape
    data = np.ascontiguousarray(chars, dtype=np.uint8).reshape(-1)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def rows(chars: np.ndarray, index: np.ndarray) -> np.ndarray:
    """chars[index] for an (n, width) uint8 matrix, gathering whole rows as single items
    (several times faster than numpy's 2-D fancy indexing of narrow rows)."""
    width = chars.shape[1]
    flat = np.ascontiguousarray(chars).view(f"V{width}").reshape(-1)
    return flat[np.asarray(index, dtype=np.int64)].view(np.uint8).reshape(-1, width)


# A string_view element: 4-byte length, then 12 bytes inline (short strings) or a 4-byte prefix,
# buffer number and offset (long strings). Arrow casts such views to plain strings in one pass.
VIEW = np.dtype({"names": ["size", "prefix", "buffer", "offset"],
                 "formats": ["<i4", "V4", "<i4", "<i4"], "offsets": [0, 4, 8, 12], "itemsize": 16})


def ragged_strings(chars: np.ndarray, widths: np.ndarray) -> pa.StringArray:
    """Row i of an (n, width) uint8 matrix cut to widths[i] bytes (each > 12), as Arrow strings:
    string_view elements point into the matrix, and Arrow's cast packs them."""
    n, width = chars.shape
    chars = np.ascontiguousarray(chars, dtype=np.uint8)
    views = np.empty(n, VIEW)
    views["size"] = widths
    views["prefix"] = chars[:, :4].copy().view("V4").reshape(-1)
    views["buffer"] = 0
    views["offset"] = np.arange(0, n * width, width, dtype=np.int32)
    array = pa.Array.from_buffers(pa.string_view(), n,
                                  [None, pa.py_buffer(views), pa.py_buffer(chars)])
    return array.cast(pa.string())


def take_strings(values: pa.Array, index: np.ndarray) -> pa.StringArray:
    """values[index] for strings: their 16-byte string_view elements are gathered by numpy
    and packed by one cast (two to three times faster than Arrow's take on strings)."""
    views = values.cast(pa.string_view())
    buffers = views.buffers()
    index = np.asarray(index, dtype=np.int64)
    elements = np.frombuffer(buffers[1], dtype=VIEW)[views.offset:views.offset + len(views)]
    validity = None
    nulls = 0
    if views.null_count:
        valid = ~views.is_null().to_numpy(zero_copy_only=False)[index]
        nulls = len(index) - int(np.count_nonzero(valid))
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    taken = pa.Array.from_buffers(pa.string_view(), len(index),
                                  [validity, pa.py_buffer(elements[index]), *buffers[2:]],
                                  null_count=nulls)
    return taken.cast(pa.string())


def short_views(chars: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """string_view elements holding strings of at most 12 bytes inline (row i cut to
    widths[i]); gather them by index and pass to view_strings()."""
    n, width = chars.shape
    widths = np.asarray(widths)
    out = np.zeros((n, 16), dtype=np.uint8)
    out[:, 4:4 + width] = np.where(np.arange(width) < widths[:, None], chars, 0)  # zero padding
    views = out.view(VIEW).reshape(-1)
    views["size"] = widths
    return views


def view_strings(views: np.ndarray) -> pa.StringArray:
    """Arrow strings from inline string_view elements (see short_views)."""
    views = np.ascontiguousarray(views)
    array = pa.Array.from_buffers(pa.string_view(), len(views), [None, pa.py_buffer(views)])
    return array.cast(pa.string())


def _digit_table(width: int) -> np.ndarray:
    """(10**width, width) ASCII digits of 0 .. 10**width - 1."""
    values = np.arange(10**width)
    out = np.empty((len(values), width), dtype=np.uint8)
    for pos in range(width - 1, -1, -1):
        values, out[:, pos] = np.divmod(values, 10)
    return out + ord("0")


_TRIPLES = _digit_table(3)
_TRIPLE_ITEMS = _TRIPLES.view("V3").reshape(-1)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as an (n, width) uint8 matrix."""
    return ascii_digits(values, width) - ord("0")


def ascii_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded ASCII decimal digits (the last `width` digits) of non-negative integers,
    three at a time by table lookup."""
    v = np.asarray(values, dtype=np.int64)
    groups = -(-width // 3)
    out = np.empty((len(v), groups * 3), dtype=np.uint8)
    cells = out.view("V3")
    for group in range(groups - 1, -1, -1):
        v, low = np.divmod(v, 1000)
        cells[:, group] = _TRIPLE_ITEMS[low]
    return out[:, groups * 3 - width:]


_YMD_FIRST = -40_000  # 1860-07-08: a lookup table of yyyymmdd values beats datetime64 casts
_YMD_LAST = 50_000


class _Days:
    """Tables over days since 1970-01-01 (1860 to 2106): yyyymmdd, its ASCII digits, and the
    ID-number check weights of those digits."""

    def __init__(self) -> None:
        dt = np.arange(_YMD_FIRST, _YMD_LAST).astype("datetime64[D]")
        years = dt.astype("datetime64[Y]").astype(np.int64) + 1970
        months = dt.astype("datetime64[M]").astype(np.int64) % 12 + 1
        mdays = (dt - dt.astype("datetime64[M]")).astype(np.int64) + 1
        self.ymd = years * 10000 + months * 100 + mdays
        self.ascii = ascii_digits(self.ymd, 8)  # (days, 8)
        self.items = np.ascontiguousarray(self.ascii).view("V8").reshape(-1)
        self.years = np.ascontiguousarray(self.ascii[:, :4]).view("V4").reshape(-1)
        self.weights = ((self.ascii.astype(np.int64) - ord("0"))
                        @ np.array(ids.ID_WEIGHTS[6:14], dtype=np.int64)).astype(np.int32)


_DAYS: _Days | None = None


def _days() -> _Days:
    global _DAYS
    if _DAYS is None:
        _DAYS = _Days()
    return _DAYS


def year_chars(days: np.ndarray) -> np.ndarray:
    """The four ASCII year digits of each date, as 4-byte items (see rows())."""
    return _days().years[np.asarray(days, dtype=np.int64) - _YMD_FIRST]


def _triple_weights(weights: Sequence[int]) -> np.ndarray:
    return ((_TRIPLES.astype(np.int32) - ord("0")) @ np.array(weights, dtype=np.int32))


_W_REGION_HI = _triple_weights(ids.ID_WEIGHTS[0:3])
_W_REGION_LO = _triple_weights(ids.ID_WEIGHTS[3:6])
_W_SEQ = _triple_weights(ids.ID_WEIGHTS[14:17])
_ID_LAYOUT = np.dtype({"names": ["hi", "lo", "ymd", "seq", "check"],
                       "formats": ["V3", "V3", "V8", "V3", "u1"],
                       "offsets": [0, 3, 6, 14, 17], "itemsize": 18})


def id_chars(*, region: np.ndarray, birth_days: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """(n, 18) ASCII matrix of valid ID numbers: region code, birth date, sequence, check.

    Each part is a table lookup (three digits, or a whole date, at a time); the check
    character comes from per-part weighted digit sums, so no per-digit pass is needed."""
    days = _days()
    region = np.asarray(region, dtype=np.int32)  # int32: several times faster to divide
    hi = region // 1000
    lo = region - hi * 1000
    day = np.asarray(birth_days, dtype=np.int32) - _YMD_FIRST
    seq = np.asarray(seq, dtype=np.int32)
    out = np.empty((len(day), 18), dtype=np.uint8)
    parts = out.view(_ID_LAYOUT).reshape(-1)
    parts["hi"] = _TRIPLE_ITEMS[hi]
    parts["lo"] = _TRIPLE_ITEMS[lo]
    parts["ymd"] = days.items[day]
    parts["seq"] = _TRIPLE_ITEMS[seq]
    total = _W_REGION_HI[hi] + _W_REGION_LO[lo] + days.weights[day] + _W_SEQ[seq]
    parts["check"] = _ID_CHECK[total % 11]
    return out


def break_check(chars: np.ndarray) -> np.ndarray:
    """The same ID numbers with a wrong check character (for planted invalid numbers)."""
    out = chars.copy()
    current = np.searchsorted(np.sort(_ID_CHECK), out[:, 17])
    order = np.argsort(_ID_CHECK)
    index = order[current]
    out[:, 17] = _ID_CHECK[(index + 1 + (index % 3)) % 11]
    return out


def credit_codes(*, region: np.ndarray, serial: np.ndarray, kind: str = "91") -> pa.StringArray:
    """Valid GB 32100 codes: registration kind, region code, 9-character organisation code."""
    n = len(region)
    values = np.empty((n, 17), dtype=np.int64)
    values[:, 0] = ids.CREDIT_ALPHABET.index(kind[0])
    values[:, 1] = ids.CREDIT_ALPHABET.index(kind[1])
    values[:, 2:8] = digits(region, 6)
    s = serial.astype(np.int64)
    for pos in range(16, 7, -1):
        values[:, pos] = s % 31
        s //= 31
    check = (31 - (values @ _CREDIT_WEIGHTS) % 31) % 31
    chars = np.hstack([_CREDIT_ALPHABET[values], _CREDIT_ALPHABET[check][:, None]])
    return fixed_strings(chars)
