"""Synthetic training and exam records consistent with the certificates, plus their frauds.

Clean data is built so that no rule can fire on it: every certificate issued inside the exam
window has a passed exam in the months before it and training that ended before it; every
(centre, item) group has exactly its item's pass rate, so honest centres are never outliers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from certguard.catalog import reference
from certguard.synth.certs import ITEM_CODES, Certs
from certguard.synth.codes import credit_codes
from certguard.synth.people import People, county_codes
from certguard.synth.tables import dates, truth

MIN_HOURS = np.array([i.min_training_hours or 40 for i in reference.ITEMS], dtype=np.float64)
HAS_MIN = np.array([i.min_training_hours is not None for i in reference.ITEMS])
# Exact pass rates a/b per item (cycled), so every honest centre has its item's rate.
RATES = np.array([(3, 5), (7, 10), (3, 4), (4, 5)], dtype=np.int64)


@dataclass
class Env:
    rng: np.random.Generator
    certs: Certs
    people: People
    numbers: Callable[[np.ndarray], pa.Array]
    as_of: int
    window_start: int
    extras: Callable[[int], np.ndarray]


def _ids(env: Env, pid: np.ndarray) -> pa.Array:
    return env.people.ids(pid)


def _names(env: Env, pid: np.ndarray) -> pa.Array:
    return env.people.name_strings(pid)


def _join(*parts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*[p.cast(pa.string()) for p in parts], "")


def _int_str(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(np.int64)).cast(pa.string())


# -- training ------------------------------------------------------------------------------
def make_training(env: Env, *, k: int) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """About k training rows; returns (table, truth, certificates planted for R13)."""
    rng, c = env.rng, env.certs
    n_inst = max(5, k // 2000)
    inst_codes = credit_codes(region=county_codes()[rng.integers(0, 50, size=n_inst)],
                              serial=np.arange(n_inst) + 31**8, kind="52")
    window = np.flatnonzero(c.window)
    attendances = int(k * 0.75)  # a third are recorded as two rows: about k rows in all
    trained = rng.choice(window, size=min(len(window), int(attendances * 0.6)), replace=False)
    late = trained[: max(1, round(len(trained) * 0.01))] if len(trained) else trained
    first = c.first[trained]
    end = first - rng.integers(8, 61, size=len(trained))
    end[: len(late)] = first[: len(late)] + rng.integers(1, 21, size=len(late))  # after issue
    rows = [_class_rows(env, pid=c.pid[trained], item=c.item[trained], end=end, n_inst=n_inst)]
    n_plain = max(0, attendances - len(trained) - 40)
    rows.append(_class_rows(env, pid=env.extras(n_plain), item=None, end=None, n_inst=n_inst))
    k12, k14 = max(1, round(k * 0.005)), max(1, round(k * 0.003))
    short = _class_rows(env, pid=env.extras(k12), item=_items_with_minimum(rng, k12), end=None,
                        n_inst=n_inst, short=True)
    pid14 = env.extras(k14)
    a = _class_rows(env, pid=pid14, item=None, end=None, n_inst=n_inst)
    b = _class_rows(env, pid=pid14, item=None, end=a["_end"], n_inst=n_inst, shift_inst=True)
    b["_inst"] = (a["_inst"] + 1) % n_inst  # a different institution
    rows += [short, a, b]
    table = _training_table(env, rows, inst_codes)
    truths = [truth("T12", "R12", "institution", n=k12, id_no=_ids(env, short["_pid"]),
                    name=_names(env, short["_pid"]),
                    institution_code=inst_codes.take(pa.array(short["_inst"]))),
              truth("T14", "R14", "worker", n=k14, id_no=_ids(env, pid14),
                    name=_names(env, pid14))]
    return table, pa.concat_tables(truths), late


def _items_with_minimum(rng: np.random.Generator, n: int) -> np.ndarray:
    candidates = np.flatnonzero(HAS_MIN)
    return candidates[rng.integers(0, len(candidates), size=n)]


def _class_rows(env: Env, *, pid: np.ndarray, item: np.ndarray | None, end: np.ndarray | None,
                n_inst: int, short: bool = False, shift_inst: bool = False) -> dict:
    rng, n = env.rng, len(pid)
    if item is None:
        item = rng.integers(0, len(ITEM_CODES), size=n)
    if end is None:
        end = env.window_start + rng.integers(0, env.as_of - env.window_start, size=n)
    elif shift_inst:
        end = end + rng.integers(-3, 4, size=n)  # overlaps the first class (they last 7+ days)
    start = end - rng.integers(7, 31, size=n)
    inst = (item * 7919 + end) % n_inst
    hours = MIN_HOURS[item] + rng.integers(0, 17, size=n)
    if short:
        hours = MIN_HOURS[item] - rng.integers(4, 21, size=n)
    return {"_pid": pid, "_item": item, "_start": start, "_end": end, "_inst": inst,
            "_hours": hours.astype(np.float64)}


def _training_table(env: Env, rows: list[dict], inst_codes: pa.Array) -> pa.Table:
    cols = {key: np.concatenate([r[key] for r in rows]) for key in rows[0]}
    # About a third of attendances are recorded as two sessions of the same class, of unequal
    # hours: two identical rows are one row copied twice (the readers count it once).
    split = np.arange(len(cols["_pid"])) % 3 == 0
    halves = np.floor(cols["_hours"] / 2) + (cols["_hours"] % 2 == 0)
    first = np.where(split, halves, cols["_hours"])
    index = np.concatenate([np.arange(len(first)), np.flatnonzero(split)])
    hours = np.concatenate([first, cols["_hours"][split] - first[split]])
    # Rows in random order: the numpy columns are permuted before any string is built.
    perm = env.rng.permutation(len(index))
    index, hours = index[perm], hours[perm]
    pid, inst, item, end = (cols[k][index] for k in ("_pid", "_inst", "_item", "_end"))
    n = len(pid)
    dash = pa.array(["-"] * n)
    class_id = _join(pa.array(["BJ"] * n), _int_str(inst), dash, _int_str(item), dash,
                     _int_str(end))
    return pa.table({
        "institution_code": inst_codes.take(pa.array(inst)), "class_id": class_id,
        "trainee_id_no": _ids(env, pid), "trainee_name": _names(env, pid),
        "item_code": pa.array(ITEM_CODES).take(pa.array(item)),
        "start_date": dates(cols["_start"][index]), "end_date": dates(end),
        "hours": pa.array(hours),
    })


# -- exams ---------------------------------------------------------------------------------
@dataclass
class Sittings:
    pid: np.ndarray
    item: np.ndarray
    centre: np.ndarray
    day: np.ndarray
    passed: np.ndarray

    @staticmethod
    def concat(parts: list[Sittings]) -> Sittings:
        return Sittings(*(np.concatenate([getattr(p, f) for p in parts])
                          for f in ("pid", "item", "centre", "day", "passed")))


def _holder_passes(env: Env, *, n_centres: int, skip: int) -> tuple[Sittings, np.ndarray]:
    """One passed sitting before each window certificate; `skip` certificates get none (R13)."""
    rng, c = env.rng, env.certs
    window = np.flatnonzero(c.window)
    first = c.first[window]
    lo = np.maximum(env.window_start, first - 200)
    day = lo + (rng.random(len(window)) * (first - lo)).astype(np.int64)
    # Certificates planted without an exam: never the earliest sitting of their item, so the
    # item's exam coverage still reaches back before their issue date.
    order = np.lexsort((day, c.item[window]))
    earliest = np.zeros(len(window), dtype=bool)
    items_sorted = c.item[window][order]
    earliest[order[np.r_[True, items_sorted[1:] != items_sorted[:-1]]]] = True
    candidates = np.flatnonzero(~earliest)
    planted = rng.choice(candidates, size=min(skip, len(candidates)), replace=False)
    keep = np.ones(len(window), dtype=bool)
    keep[planted] = False
    s = Sittings(c.pid[window][keep], c.item[window][keep],
                 rng.integers(0, n_centres, size=int(keep.sum())), day[keep],
                 np.ones(int(keep.sum()), dtype=bool))
    return s, window[planted]


def _fillers(env: Env, base: Sittings, filler_pool: np.ndarray) -> Sittings:
    """Extra passes and fails so every (centre, item) has exactly its item's pass rate a/b."""
    rng = env.rng
    key = base.centre * len(ITEM_CODES) + base.item
    groups, passes = np.unique(key, return_counts=True)
    item = groups % len(ITEM_CODES)
    a, b = RATES[item % len(RATES), 0], RATES[item % len(RATES), 1]
    pad = (a - passes % a) % a
    fails = (passes + pad) * (b - a) // a
    extra_pass = np.repeat(groups, pad)
    extra_fail = np.repeat(groups, fails)
    keys = np.concatenate([extra_pass, extra_fail])
    n = len(keys)
    return Sittings(filler_pool[rng.integers(0, len(filler_pool), size=n)],
                    keys % len(ITEM_CODES), keys // len(ITEM_CODES),
                    env.window_start + rng.integers(0, env.as_of - env.window_start, size=n),
                    np.r_[np.ones(len(extra_pass), bool), np.zeros(len(extra_fail), bool)])


def _outliers(env: Env, *, k: int, first_centre: int, filler_pool: np.ndarray
              ) -> tuple[Sittings, np.ndarray]:
    """k items each with 4 honest reference centres and 1 centre passing everyone (R16)."""
    rng, parts, bad = env.rng, [], []
    for i in range(k):
        item = int(rng.integers(0, len(ITEM_CODES)))
        a, b = RATES[item % len(RATES)]
        per = b * int(np.ceil(40 / b))
        base = first_centre + i * 5
        for j in range(5):
            n = 40 if j == 4 else per
            passed = np.ones(n, bool) if j == 4 else np.arange(n) % b < a
            parts.append(Sittings(filler_pool[rng.integers(0, len(filler_pool), size=n)],
                                  np.full(n, item), np.full(n, base + j),
                                  env.window_start + rng.integers(0, env.as_of - env.window_start,
                                                                  size=n), passed))
        bad.append(base + 4)
    return Sittings.concat(parts), np.array(bad, dtype=np.int64)


def make_exams(env: Env, *, l_rows: int) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """About l_rows sittings; returns (table, truth, certificates planted for R13)."""
    rng = env.rng
    n_centres = max(6, l_rows // 5000)
    filler_pool = env.extras(max(50, min(l_rows // 2, 200_000)))
    n_window = int(env.certs.window.sum())
    holders, planted = _holder_passes(env, n_centres=n_centres,
                                      skip=max(1, round(n_window * 0.01)))
    fill = _fillers(env, holders, filler_pool)
    k16 = max(1, l_rows // 250_000)
    outliers, bad_centres = _outliers(env, k=k16, first_centre=n_centres, filler_pool=filler_pool)
    s = Sittings.concat([holders, fill, outliers])
    centre_codes = _centre_codes(n_centres + 5 * k16)
    minutes = rng.integers(30, 111, size=len(s.pid))
    passed_rows = np.flatnonzero(s.passed)
    k15 = max(1, round(l_rows * 0.002))
    fast = rng.choice(passed_rows, size=min(k15, len(passed_rows)), replace=False)
    minutes[fast] = rng.integers(5, 16, size=len(fast))
    table = _exam_table(env, s, centre_codes, minutes)
    truths = [
        truth("E15", "R15", "exam_center", n=len(fast), id_no=_ids(env, s.pid[fast]),
              name=_names(env, s.pid[fast]),
              exam_center_code=centre_codes.take(pa.array(s.centre[fast]))),
        truth("E16", "R16", "exam_center", n=len(bad_centres),
              exam_center_code=centre_codes.take(pa.array(bad_centres))),
    ]
    return table, pa.concat_tables(truths), planted


def _centre_codes(n: int) -> pa.Array:
    counties = county_codes()
    region = pa.array(counties[np.arange(n) * 7 % len(counties)]).cast(pa.string())
    return _join(pa.array(["KC"] * n), region, pc.utf8_lpad(_int_str(np.arange(n)), 4, "0"))


def _exam_table(env: Env, s: Sittings, centres: pa.Array, minutes: np.ndarray) -> pa.Table:
    rng, n = env.rng, len(s.pid)
    start = s.day * 86400 + 8 * 3600 + rng.integers(0, 8 * 3600, size=n)
    end = start + minutes * 60
    theory = np.where(s.passed, rng.integers(80, 101, size=n), rng.integers(40, 80, size=n))
    practical = np.where(s.passed, rng.integers(80, 101, size=n), rng.integers(50, 101, size=n))
    # Rows in random order: the numpy columns are permuted before any string is built.
    perm = rng.permutation(n)
    s = Sittings(*(getattr(s, f)[perm] for f in ("pid", "item", "centre", "day", "passed")))
    start, end, theory, practical = start[perm], end[perm], theory[perm], practical[perm]
    return pa.table({
        "exam_center_code": centres.take(pa.array(s.centre)),
        "candidate_id_no": _ids(env, s.pid), "candidate_name": _names(env, s.pid),
        "item_code": pa.array(ITEM_CODES).take(pa.array(s.item)),
        "exam_date": dates(s.day),
        "start_time": pa.array(start, pa.timestamp("s")),
        "end_time": pa.array(end, pa.timestamp("s")),
        "theory_score": pa.array(theory.astype(np.float64)),
        "practical_score": pa.array(practical.astype(np.float64)),
        "passed": pa.array(s.passed),
    })
