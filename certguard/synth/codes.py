"""Vectorised ID numbers and credit codes, built from certguard.ids' constants.

The algorithm lives in certguard.ids; these functions only apply its weights and check
tables to whole numpy arrays at once (a Python loop would cost a minute at 20 M people).
Tests compare the output with ids.check_id_no / ids.check_credit_code.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from certguard import ids

_ID_CHECK = np.frombuffer(ids.ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)
_CREDIT_ALPHABET = np.frombuffer(ids.CREDIT_ALPHABET.encode("ascii"), dtype=np.uint8)
_CREDIT_WEIGHTS = np.array(ids.CREDIT_WEIGHTS, dtype=np.int64)


def fixed_strings(chars: np.ndarray) -> pa.StringArray:
    """An (n, width) uint8 ASCII matrix as an Arrow string array, without Python objects."""
    n, width = chars.shape
    data = np.ascontiguousarray(chars, dtype=np.uint8).reshape(-1)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as an (n, width) uint8 matrix."""
    out = np.empty((len(values), width), dtype=np.uint8)
    v = values.astype(np.int64)
    for pos in range(width - 1, -1, -1):
        v, out[:, pos] = np.divmod(v, 10)
    return out


_YMD_FIRST = -40_000  # 1860-07-08: a lookup table of yyyymmdd values beats datetime64 casts
_YMD_TABLE: np.ndarray | None = None


def ymd_of_days(days: np.ndarray) -> np.ndarray:
    """yyyymmdd integers for days since 1970-01-01 (1860 to 2109), by table lookup."""
    global _YMD_TABLE
    if _YMD_TABLE is None:
        dt = np.arange(_YMD_FIRST, 50_000).astype("datetime64[D]")
        years = dt.astype("datetime64[Y]").astype(np.int64) + 1970
        months = dt.astype("datetime64[M]").astype(np.int64) % 12 + 1
        mdays = (dt - dt.astype("datetime64[M]")).astype(np.int64) + 1
        _YMD_TABLE = years * 10000 + months * 100 + mdays
    return _YMD_TABLE[np.asarray(days, dtype=np.int64) - _YMD_FIRST]


def id_chars(*, region: np.ndarray, birth_days: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """(n, 18) ASCII matrix of valid ID numbers: region code, birth date, sequence, check."""
    ymd = ymd_of_days(birth_days)
    out = np.empty((len(ymd), 18), dtype=np.uint8)
    out[:, 0:6] = digits(region, 6)
    out[:, 6:14] = digits(ymd, 8)
    out[:, 14:17] = digits(seq, 3)
    total = np.zeros(len(ymd), dtype=np.int32)
    for pos, weight in enumerate(ids.ID_WEIGHTS):  # column by column: no int64 matrix copy
        total += out[:, pos].astype(np.int32) * weight
    out[:, :17] += ord("0")
    out[:, 17] = _ID_CHECK[total % 11]
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
