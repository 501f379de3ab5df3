"""Generate the four exchange files with planted frauds, a truth file and a manifest.

Everything is vectorised (numpy for the random draws, Arrow for strings and files): no Python
loop runs per row, so 20 million certificates take seconds, not hours.
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from certguard.synth import activity
from certguard.synth.certs import (
    DEPARTMENTS,
    FAMILY_KEYS,
    ITEM_CODES,
    SOURCES,
    STATUSES,
    Certs,
    cert_chars,
    cert_numbers,
    make_certs,
)
from certguard.synth.codes import break_check, fixed_strings, ragged_strings, rows
from certguard.synth.names import other_name
from certguard.synth.people import YEAR, People, make_people
from certguard.synth.registry_frauds import RegistryFrauds, plant_registry_frauds
from certguard.synth.roster import (
    RosterBuilder,
    finish_roster,
    fraud_counts,
    make_employers,
    plant_frauds,
)
from certguard.synth.tables import TRUTH_SCHEMA, dates, take, truth

DEFAULT_AS_OF = date(2024, 9, 1)
Format = Literal["parquet", "csv"]
_EPOCH = date(1970, 1, 1)


@dataclass
class SynthResult:
    out_dir: Path
    as_of: date
    files: dict[str, Path]
    truth: Path
    rows: dict[str, int]
    planted: dict[str, int]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


class _Extras:
    """Hands out people who hold no certificate, each to one purpose only."""

    def __init__(self, start: int, stop: int) -> None:
        self.next, self.stop = start, stop

    def __call__(self, k: int) -> np.ndarray:
        if self.next + k > self.stop:
            raise RuntimeError("synthetic population too small for the requested rows")
        taken = np.arange(self.next, self.next + k)
        self.next += k
        return taken


def _extra_count(*, roster: int, training: int, exams: int) -> int:
    counts = fraud_counts(roster) if roster else {}
    return (sum(counts.get(k, 0) for k in ("K01", "K02", "K03")) + training
            + max(50, min(exams // 2, 200_000)) + 1000)


def _write(table: pa.Table, path: Path, fmt: Format) -> None:
    _write_chunks(iter([table]), path, fmt, schema=table.schema)


_LOW_CARDINALITY = ["sex", "family", "item_code", "issuer_code", "status", "source",
                    "sector", "region_code", "post", "required_item_code", "employer_code",
                    "employer_name", "institution_code", "exam_center_code", "class_id"]


_UNIQUE_STRINGS = {"cert_no", "id_no", "name", "worker_id_no", "worker_name",
                   "trainee_id_no", "trainee_name", "candidate_id_no", "candidate_name"}


def _write_chunks(chunks: Iterator[pa.Table], path: Path, fmt: Format, *,
                  schema: pa.Schema) -> None:
    """Write tables as they are produced: a writer thread encodes chunk k while the caller
    builds chunk k+1 (both release the GIL), then the file is renamed into place. On an
    error the partial file is removed: a file under its final name is always complete."""
    partial = path.with_name(f".{path.name}.partial")
    if fmt == "parquet":
        # Dictionary-encoding unique strings (cert_no, id_no) costs time and saves nothing.
        # Snappy on unique, high-entropy strings (numbers, names) costs half the encoding time
        # and saves about a third of their size: they are stored uncompressed. Dates (a few
        # thousand distinct days) are dictionary-encoded: bit-packed indices, faster to write
        # and smaller than plain values with Snappy, which would gain nothing more on them.
        days = {f.name for f in schema if pa.types.is_date32(f.type)}
        compression = {c: "none" if c in _UNIQUE_STRINGS or c in days else "snappy"
                       for c in schema.names}
        writer = pq.ParquetWriter(partial, schema, compression=compression,
                                  write_statistics=False,
                                  use_dictionary=[c for c in schema.names
                                                  if c in _LOW_CARDINALITY or c in days])
    else:
        schema = pa.schema([f.with_type(pa.string()) if pa.types.is_dictionary(f.type) else f
                            for f in schema])
        chunks = (chunk.cast(schema) for chunk in chunks)
        writer = pacsv.CSVWriter(partial, schema)
    try:
        with writer, ThreadPoolExecutor(max_workers=1) as pool:
            pending = None
            for chunk in chunks:
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_table, chunk)
            if pending is not None:
                pending.result()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


_SEXES = ("女", "男")  # by people.male


@cache
def _certificate_schema() -> pa.Schema:
    """The certificates file's columns. Categories are dictionary-encoded (integer codes into
    small dictionaries); columns the generator never leaves empty are declared non-null, so
    Parquet writes them without definition levels."""
    def coded(values: list[str] | tuple[str, ...]) -> pa.DataType:
        return pa.dictionary(_index_type(len(_distinct(tuple(values))[0])), pa.string())

    types = {"cert_no": pa.string(), "id_no": pa.string(), "name": pa.string(),
             "sex": coded(_SEXES), "birth_date": pa.date32(), "family": coded(FAMILY_KEYS),
             "item_code": coded(ITEM_CODES), "issuer_code": coded(_issuers()),
             "first_issued": pa.date32(), "valid_from": pa.date32(),
             "valid_until": pa.date32(), "review_due": pa.date32(),
             "last_review": pa.date32(), "status": coded(STATUSES), "source": coded(SOURCES)}
    nullable = {"birth_date", "review_due", "last_review"}
    return pa.schema([pa.field(name, t, nullable=name in nullable) for name, t in types.items()])


def _certificate_table(c: Certs, people: People, f: RegistryFrauds,
                       index: np.ndarray | slice) -> pa.Table:
    """The certificates file's rows for the certificates at ``index`` (for a slice, the
    columns are taken as views, without copying)."""
    positions = np.arange(index.start, index.stop) if isinstance(index, slice) else index
    pid_np = c.pid[index]
    ids = rows(people.chars, pid_np)
    chars, widths = cert_chars(c, people, positions, ids=ids.view("V18").reshape(-1))
    wrong_no = f.wrong_number[index] if f.wrong_number is not None else None
    if wrong_no is not None and wrong_no.any():  # special_ops: T + a broken ID number
        chars[wrong_no, 1:] = break_check(ids[wrong_no])
    numbers = ragged_strings(chars, widths)
    names = people.name_strings(pid_np)
    alt = f.name_alt[index] if f.name_alt is not None else np.zeros(len(positions), bool)
    if alt.any():
        changed = other_name(np.random.default_rng(int(positions[0])),
                             names.filter(pa.array(alt))).cast(pa.string())
        names = pc.replace_with_mask(names, pa.array(alt), changed)
    family = c.family[index]
    shift = f.birth_shift[index] if f.birth_shift is not None else 0
    given = c.birth_given[index]
    birth = people.birth[pid_np] + shift
    issuer = people.region[pid_np] // 10000 % 100 * 4 + family  # province * 4 + family
    return pa.Table.from_arrays([
        numbers, fixed_strings(ids), names, _coded(people.male[pid_np], _SEXES),
        dates(birth, given=given), _coded(family, FAMILY_KEYS), _coded(c.item[index], ITEM_CODES),
        _coded(issuer, _issuers()),
        dates(c.first[index]), dates(c.valid_from[index]), dates(c.valid_until[index]),
        dates(c.review_due[index]), dates(c.last_review[index]),
        _coded(c.status[index], STATUSES), _coded(family, SOURCES),
    ], schema=_certificate_schema())


@cache
def _issuers() -> tuple[str, ...]:
    """Issuer codes by province * 4 + family: the province's region code and the department."""
    return tuple(f"{province * 10000}-{DEPARTMENTS[family]}" for province in range(100)
                 for family in range(4))


def _coded(codes: np.ndarray, values: list[str] | tuple[str, ...]) -> pa.DictionaryArray:
    """A categorical column without copying strings (Parquet stores it dictionary-encoded).
    Repeated values (two families share a source) are merged: a dictionary of distinct values
    encodes several times faster. Codes are narrow integers (see _index_type), used as they
    are when no values were merged."""
    distinct, remap = _distinct(tuple(values))
    if remap is None and codes.dtype in (np.int8, np.bool_) and len(distinct) <= 127:
        indices = codes.view(np.int8)
    else:
        indices = (codes if remap is None else remap[codes]).astype(
            _index_type(len(distinct)).to_pandas_dtype())
    return pa.DictionaryArray.from_arrays(pa.array(indices), _values(distinct))


def _index_type(n: int) -> pa.DataType:
    return pa.int8() if n <= 127 else pa.int16() if n <= 32767 else pa.int32()


@cache
def _distinct(values: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray | None]:
    """The distinct values in first-seen order and each value's position among them (None
    when the values are distinct already)."""
    distinct = tuple(dict.fromkeys(values))
    if len(distinct) == len(values):
        return distinct, None
    return distinct, np.array([distinct.index(v) for v in values], dtype=np.int32)


@cache
def _values(values: tuple[str, ...]) -> pa.Array:
    return pa.array(values, pa.string())


class _Cancelled(Exception):
    """Generation failed elsewhere: stop writing the certificates."""


def _certificate_chunks(c: Certs, people: People, f: RegistryFrauds, *, size: int = 1 << 18,
                        cancel: threading.Event | None = None) -> Iterator[pa.Table]:
    for start in range(0, len(c), size):
        if cancel is not None and cancel.is_set():
            raise _Cancelled
        yield _certificate_table(c, people, f, slice(start, min(start + size, len(c))))


def _write_certificates(c: Certs, people: People, f: RegistryFrauds, path: Path, fmt: Format,
                        cancel: threading.Event) -> float:
    """Write the certificates file (seconds taken). The certificates must be final: nothing
    may change them while this runs (it reads them from another thread)."""
    started = time.perf_counter()
    _write_chunks(_certificate_chunks(c, people, f, cancel=cancel), path, fmt,
                  schema=_certificate_schema())
    return time.perf_counter() - started


def _cert_truth(kind: str, rule: str, index: np.ndarray, *, c: Certs, people: People,
                f: RegistryFrauds) -> pa.Table:
    table = _certificate_table(c, people, f, np.sort(index))
    return truth(kind, rule, "certificate", n=len(index),
                 cert_no=table["cert_no"].combine_chunks(), id_no=table["id_no"].combine_chunks(),
                 name=table["name"].combine_chunks())


@contextmanager
def _keep_freed_memory() -> Iterator[None]:
    """Let glibc keep freed memory for reuse while generating (restored afterwards).

    Generation allocates and frees many arrays of tens to hundreds of MB. By default glibc
    returns each to the kernel (mmap'd blocks, heap trimming), so the next array faults in
    fresh zeroed pages: on a virtual machine that can cost more than the work on the array
    (measured up to ~4 ms per MB here). Arrow's own allocator (mimalloc) does the same with
    the buffers of every chunk written, so Arrow allocates from glibc meanwhile too (about
    10 % less CPU time at 20 million certificates). Without glibc this is a no-op."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt, trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError):
        yield
        return
    m_trim_threshold, m_mmap_max = -1, -4
    mallopt(m_mmap_max, 0)
    mallopt(m_trim_threshold, 2**31 - 1)
    arrow_pool = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(arrow_pool)
        mallopt(m_mmap_max, 65536)  # glibc's defaults
        mallopt(m_trim_threshold, 128 * 1024)
        trim(0)


def _window_size(*, certificates: int, training: int, exams: int) -> int:
    # Enough recently issued certificates to give ~68 % of sittings and ~60 % of trainees.
    return min(int(certificates * 0.4), max(int(exams * 0.68), int(training * 0.6)))


def generate(*, out_dir: str | Path, certificates: int, roster: int = 0, training: int = 0,
             exams: int = 0, seed: int = 0, as_of: date = DEFAULT_AS_OF,
             fmt: Format = "parquet") -> SynthResult:
    """Write certificates (and roster / training / exams when asked), truth.csv, manifest.json."""
    with _keep_freed_memory():
        return _generate(out_dir=out_dir, certificates=certificates, roster=roster,
                         training=training, exams=exams, seed=seed, as_of=as_of, fmt=fmt)


def _generate(*, out_dir: str | Path, certificates: int, roster: int, training: int,
              exams: int, seed: int, as_of: date, fmt: Format) -> SynthResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    a = (as_of - _EPOCH).days
    window_start = a - YEAR
    n_multi = int(certificates * 0.15)
    holders = certificates - n_multi
    people = make_people(rng, n=holders + _extra_count(roster=roster, training=training,
                                                        exams=exams), as_of=a)
    extras = _Extras(holders, len(people))
    c = make_certs(rng, n=certificates, people=people, as_of=a, window_start=window_start,
                   n_window=_window_size(certificates=certificates, training=training,
                                         exams=exams))
    used = np.zeros(certificates, bool)
    frauds = plant_registry_frauds(rng, c=c, people=people, as_of=a, used=used)
    def numbers(index: np.ndarray) -> pa.Array:
        return cert_numbers(c, people, index)

    timings["people_certificates"] = time.perf_counter() - started
    ext = "parquet" if fmt == "parquet" else "csv"
    files: dict[str, Path] = {}
    truths: list[pa.Table] = []
    rows: dict[str, int] = {}
    # One worker writes the certificates file (building its chunks while a thread of its own
    # encodes them), the other the side tables as they are ready; this thread builds them.
    side = ThreadPoolExecutor(max_workers=2, thread_name_prefix="synth-write")
    cancel = threading.Event()
    writes: list[Future[None]] = []
    try:
        if roster:
            employers = make_employers(rng, max(4, roster // 25))
            builder = RosterBuilder(rng, certs=c, people=people, numbers=numbers, as_of=a,
                                    employers=employers, extras=extras)
            builder.used |= used
            plant_frauds(builder, m=roster)  # the last step that changes certificates
        files["certificates"] = out / f"certificates.{ext}"
        _certificate_table(c, people, frauds, np.arange(min(1, len(c))))  # fill the caches
        writing = side.submit(_write_certificates, c, people, frauds,
                                   files["certificates"], fmt, cancel)
        if roster:
            table, found = finish_roster(builder, m=roster)
            files["roster"] = out / f"roster.{ext}"
            writes.append(side.submit(_write, table, files["roster"], fmt))
            rows["roster"], truths = table.num_rows, [found]
            del builder, table
        env = activity.Env(rng, c, people, numbers, a, window_start, extras)
        r13: list[tuple[str, np.ndarray]] = []
        if training:
            table, found, late = activity.make_training(env, k=training)
            files["training"] = out / f"training.{ext}"
            writes.append(side.submit(_write, table, files["training"], fmt))
            rows["training"] = table.num_rows
            del table
            truths.append(found)
            r13.append(("C13T", late))
        if exams:
            table, found, planted = activity.make_exams(env, l_rows=exams)
            files["exams"] = out / f"exams.{ext}"
            writes.append(side.submit(_write, table, files["exams"], fmt))
            rows["exams"] = table.num_rows
            del table
            truths.append(found)
            r13.append(("C13E", planted))
        timings["side_tables"] = time.perf_counter() - started
        timings["write_certificates"] = float(writing.result())
        rows["certificates"] = len(c)
        for pending in writes:
            pending.result()
    except BaseException:
        cancel.set()
        raise
    finally:
        side.shutdown(wait=True)
    truths += [_cert_truth("C02", "R02", frauds.bad_id, c=c, people=people, f=frauds),
               _cert_truth("C03", "R03", frauds.bad_number, c=c, people=people, f=frauds),
               _cert_truth("C11", "R11", frauds.age, c=c, people=people, f=frauds),
               _cert_truth("C17", "R17", frauds.conflict, c=c, people=people, f=frauds)]
    truths += [_cert_truth(kind, "R13", index, c=c, people=people, f=frauds)
               for kind, index in r13]
    truth_table = pa.concat_tables(truths).cast(TRUTH_SCHEMA)
    truth_path = out / "truth.csv"
    _write(truth_table, truth_path, "csv")
    rules_found, rule_counts = np.unique(truth_table["rule"].to_numpy(zero_copy_only=False),
                                         return_counts=True)
    planted_counts = {str(k): int(v) for k, v in zip(rules_found, rule_counts, strict=True)}
    result = SynthResult(out, as_of, files, truth_path, rows, planted_counts,
                         time.perf_counter() - started, timings)
    _manifest(result, seed=seed)
    return result


def _manifest(result: SynthResult, *, seed: int) -> None:
    data = {"as_of": result.as_of.isoformat(), "seed": seed, "rows": result.rows,
            "files": {k: v.name for k, v in result.files.items()}, "truth": result.truth.name,
            "planted_clues": result.planted, "seconds": round(result.seconds, 3)}
    (result.out_dir / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2),
                                                  encoding="utf-8")


__all__ = ["DEFAULT_AS_OF", "SynthResult", "generate", "take"]
