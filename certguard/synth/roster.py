"""Synthetic roster with planted certificate frauds (about 3 % of rows), and their truth rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from certguard import ids
from certguard.catalog import reference
from certguard.synth.certs import FAMILY_COUNT, FAMILY_START, ITEM_CODES, Certs, good, random_item
from certguard.synth.codes import (
    break_check,
    credit_codes,
    fixed_strings,
    sample_where,
    take_strings,
)
from certguard.synth.names import other_name
from certguard.synth.people import YEAR, People, county_codes
from certguard.synth.tables import NULL, dates, truth

FRAUD_RATE = 0.03  # Fujian 2018 self-checks: 604 fakes in 18,602 certificates (3.2 %)
# Share of each roster fraud among the fake-certificate rows.
KINDS = {"K01": 0.40, "K03": 0.15, "K05": 0.08, "K07": 0.08, "K04": 0.07, "K06": 0.07,
         "K09": 0.05, "K08": 0.04, "K10": 0.04, "K02": 0.02}
SECTORS = ["non_coal_mine", "metallurgy", "hazardous_chemicals", "coal_mine", "construction",
           "other"]
_WORDS = list("华鑫恒泰盛达宏兴隆昌安顺丰源金通")
_TRADES = ["建设工程", "化工", "机电设备", "矿业", "钢铁", "电力工程", "物流", "制冷设备"]
ITEM_NAMES = pa.array([i.name for i in reference.ITEMS])


@dataclass
class Employers:
    code: pa.Array
    name: pa.Array
    region: pa.Array
    sector: pa.Array

    def __len__(self) -> int:
        return len(self.code)


def make_employers(rng: np.random.Generator, n: int) -> Employers:
    counties = county_codes()
    region = counties[rng.integers(0, len(counties), size=n)]
    # Distinct serials without materialising 31**6 candidates (7919 is coprime with 31).
    serial = (np.arange(n, dtype=np.int64) * 7919 + int(rng.integers(0, 31**5))) % 31**6
    code = credit_codes(region=region, serial=serial + 31**7)
    names = ids.region_names()
    w1, w2 = rng.integers(0, len(_WORDS), size=(2, n))
    trade = rng.integers(0, len(_TRADES), size=n)
    label = [f"{names.get(str(r), '')}{_WORDS[a]}{_WORDS[b]}{_TRADES[t]}有限公司"
             for r, a, b, t in zip(region.tolist(), w1.tolist(), w2.tolist(), trade.tolist(),
                                   strict=True)]
    sector = pa.array(SECTORS).take(pa.array(rng.integers(0, len(SECTORS), size=n)))
    return Employers(code, pa.array(label), pa.array(region).cast(pa.string()), sector)


@dataclass
class Block:
    """Roster rows of one kind, before they are shuffled together."""

    employer: np.ndarray
    worker_id: pa.Array
    worker_name: pa.Array
    required: np.ndarray  # item index or NULL
    cert_no: pa.Array
    start: np.ndarray
    end: np.ndarray


def fraud_counts(m: int) -> dict[str, int]:
    total = max(len(KINDS), round(m * FRAUD_RATE))
    return {k: max(1, round(total * share)) for k, share in KINDS.items()}


class RosterBuilder:
    def __init__(self, rng: np.random.Generator, *, certs: Certs, people: People,
                 numbers: Callable[[np.ndarray], pa.Array], as_of: int, employers: Employers,
                 extras: Callable[[int], np.ndarray]) -> None:
        self.rng, self.c, self.p, self.numbers = rng, certs, people, numbers
        self.as_of, self.emp, self.extras = as_of, employers, extras
        self.blocks: list[Block] = []
        self.truths: list[pa.Table] = []
        self.used = np.zeros(len(certs), dtype=bool)

    # -- pools ---------------------------------------------------------------------------
    def pick(self, mask: np.ndarray, k: int) -> np.ndarray:
        """k certificates satisfying mask, not used by another row kind."""
        chosen = sample_where(self.rng, mask, self.used, k)
        if len(chosen) < k:
            raise ValueError(f"not enough certificates to plant {k} cases; generate more")
        return chosen

    def employers(self, k: int) -> np.ndarray:
        return self.rng.integers(0, len(self.emp), size=k)

    def on_post(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        start = self.as_of - self.rng.integers(30, 2500, size=k)
        end = np.where(self.rng.random(k) < 0.15, self.as_of + self.rng.integers(1, 400, size=k),
                       NULL)
        return start, end

    # -- blocks --------------------------------------------------------------------------
    def holder_block(self, index: np.ndarray, *, required: np.ndarray | None = None,
                     names: pa.Array | None = None, cert_no: pa.Array | None = None,
                     employer: np.ndarray | None = None) -> Block:
        pid = self.c.pid[index]
        start, end = self.on_post(len(index))
        return Block(self.employers(len(index)) if employer is None else employer,
                     self.p.ids(pid),
                     self.p.name_strings(pid) if names is None else names,
                     self.c.item[index] if required is None else required,
                     self.numbers(index) if cert_no is None else cert_no, start, end)

    def add(self, kind: str, block: Block, rules: list[str]) -> None:
        self.blocks.append(block)
        keys = {"employer_code": self.emp.code.take(pa.array(block.employer)),
                "id_no": block.worker_id, "name": block.worker_name}
        for rule in rules:
            found = dict(keys)
            if rule == "R06":
                found = {"cert_no": block.cert_no}
            elif not (rule == "R02"):
                found["cert_no"] = block.cert_no
            self.truths.append(truth(kind, rule, "certificate" if rule == "R06" else "worker",
                                     n=len(block.employer), **found))

    def clean(self, k: int) -> None:
        index = self.pick(good(self.c), k)
        block = self.holder_block(index)
        no_req = self.rng.random(k) < 0.05
        block.required = np.where(no_req, NULL, block.required)
        self.blocks.append(block)
        past = self.rng.random(k) < 0.10  # an earlier, finished stint elsewhere (no overlap)
        if past.any():
            sub = np.flatnonzero(past)
            end = block.start[sub] - self.rng.integers(1, 60, size=len(sub))
            self.blocks.append(Block(
                self.employers(len(sub)), block.worker_id.take(pa.array(sub)),
                block.worker_name.take(pa.array(sub)), block.required[sub],
                block.cert_no.take(pa.array(sub)),
                end - self.rng.integers(200, 1500, size=len(sub)),
                end))

    def k01_absent(self, k: int) -> None:
        """A well-formed number (T + the worker's own ID) that no registry holds."""
        pid = self.extras(k)
        chars = self.p.chars[pid]
        start, end = self.on_post(k)
        ops = random_item(self.rng, np.zeros(k, dtype=np.int64))
        tee = np.full((k, 1), ord("T"), np.uint8)
        block = Block(self.employers(k), fixed_strings(chars), self.p.name_strings(pid),
                      ops, fixed_strings(np.hstack([tee, chars])), start, end)
        self.add("K01", block, ["R01", "R10"])

    def k02_bad_id(self, k: int) -> None:
        pid = self.extras(k)
        self.p.chars[pid] = break_check(self.p.chars[pid])
        start, end = self.on_post(k)
        block = Block(self.employers(k), self.p.ids(pid),
                      self.p.name_strings(pid),
                      random_item(self.rng, np.zeros(k, dtype=np.int64)),
                      pa.nulls(k, pa.string()), start, end)
        self.add("K02", block, ["R02", "R10"])

    def k03_borrowed(self, k: int) -> None:
        index = self.pick(good(self.c), k)
        pid = self.extras(k)
        start, end = self.on_post(k)
        block = Block(self.employers(k), self.p.ids(pid),
                      self.p.name_strings(pid), self.c.item[index],
                      self.numbers(index), start, end)
        self.add("K03", block, ["R03", "R10"])

    def k04_name(self, k: int) -> None:
        index = self.pick(good(self.c), k)
        names = other_name(self.rng, self.p.name_strings(self.c.pid[index]))
        self.add("K04", self.holder_block(index, names=names), ["R04"])

    def k05_altered(self, k: int) -> None:
        index = self.pick(good(self.c) & (self.c.family == 0), k)
        chars = np.hstack([np.full((k, 1), ord("T"), np.uint8), self.p.chars[self.c.pid[index]]])
        self._alter(chars)
        self.add("K05", self.holder_block(index, cert_no=fixed_strings(chars)), ["R01", "R05"])

    def _alter(self, chars: np.ndarray) -> None:
        """One substitution or one adjacent transposition among the ID's first 17 digits; the
        check character then fails, so the altered number cannot be anyone's certificate."""
        k = len(chars)
        rows = np.arange(k)
        pos = 1 + self.rng.integers(0, 16, size=k)  # string positions 1..16 (ID digits 1..16)
        a, b = chars[rows, pos].copy(), chars[rows, pos + 1].copy()
        swap = (self.rng.random(k) < 0.5) & (a != b)
        chars[rows[swap], pos[swap]] = b[swap]
        chars[rows[swap], pos[swap] + 1] = a[swap]
        sub = ~swap
        digit = a[sub] - ord("0")
        shift = 1 + self.rng.integers(0, 9, size=int(sub.sum()))
        chars[rows[sub], pos[sub]] = ord("0") + (digit + shift) % 10

    def k06_multi(self, k: int) -> None:
        index = self.pick(good(self.c), k)
        first = self.holder_block(index)
        second = self.holder_block(index)
        second.employer = (first.employer + 1 + self.rng.integers(0, len(self.emp) - 1, size=k)) \
            % len(self.emp)
        second.worker_name = first.worker_name
        self.blocks.append(first)
        self.add("K06", second, ["R06"])

    def k07_expired(self, k: int) -> None:
        mask = self.c.expired & (self.c.status == 0) & (self.c.family != 0)
        self.add("K07", self.holder_block(self.pick(mask, k)), ["R07", "R10"])

    def k08_review(self, k: int) -> None:
        mask = good(self.c) & (self.c.family == 0) & (self.c.valid_from + 3 * YEAR < self.as_of - 5)
        index = self.pick(mask, k)
        self.c.review_due[index] = self.c.valid_from[index] + 3 * YEAR
        self.c.last_review[index] = NULL
        self.add("K08", self.holder_block(index), ["R08"])

    def k09_revoked(self, k: int) -> None:
        index = self.pick(good(self.c), k)
        self.c.status[index] = self.rng.integers(1, 4, size=k)
        self.add("K09", self.holder_block(index), ["R09", "R10"])

    def k10_item(self, k: int) -> None:
        index = self.pick(good(self.c), k)
        fam = self.c.family[index]
        start, count = FAMILY_START[fam], FAMILY_COUNT[fam]
        # Another item of the same family (so never the item of the holder's other certificate).
        shift = 1 + (self.rng.random(k) * (count - 1)).astype(np.int64)
        other = start + (self.c.item[index] - start + shift) % count
        self.add("K10", self.holder_block(index, required=other), ["R10"])

    def table(self) -> pa.Table:
        """The roster rows in random order. Rows are permuted as numpy indices before any
        string is gathered, and the employer and item columns are dictionary-encoded
        (integer codes into small dictionaries: the strings are never copied per row)."""
        b = self.blocks
        perm = self.rng.permutation(sum(len(x.employer) for x in b))
        employer = np.concatenate([x.employer for x in b])[perm]
        required = np.concatenate([x.required for x in b])[perm]
        none = required == NULL

        def strings(name: str) -> pa.Array:
            return take_strings(pa.concat_arrays([getattr(x, name).cast(pa.string())
                                                  for x in b]), perm)

        return pa.table({
            "employer_code": _coded(employer, self.emp.code),
            "employer_name": _coded(employer, self.emp.name),
            "region_code": _coded(employer, self.emp.region),
            "sector": _coded(employer, self.emp.sector),
            "worker_id_no": strings("worker_id"),
            "worker_name": strings("worker_name"),
            "post": _coded(np.where(none, len(ITEM_NAMES), required), _POSTS),
            "required_item_code": _coded(np.where(none, 0, required), _ITEM_CODE_VALUES,
                                         null=none),
            "cert_no": strings("cert_no"),
            "on_post_from": dates(np.concatenate([x.start for x in b])[perm]),
            "on_post_to": dates(np.concatenate([x.end for x in b])[perm]),
        })


_POSTS = pa.concat_arrays([ITEM_NAMES, pa.array(["普工"])])
_ITEM_CODE_VALUES = pa.array(ITEM_CODES, pa.string())


def _coded(index: np.ndarray, values: pa.Array, *, null: np.ndarray | None = None
           ) -> pa.DictionaryArray:
    """values[index] as a dictionary column: the distinct values once, integer codes per row."""
    encoded = values.cast(pa.string()).dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False)[index].astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=null), encoded.dictionary)


def plant_frauds(builder: RosterBuilder, *, m: int) -> None:
    """The fraud rows of an m-row roster. This is the only roster step that changes the
    certificates (K08 moves review dates, K09 revokes): once it is done they are final."""
    for kind, k in fraud_counts(m).items():
        method = {"K01": builder.k01_absent, "K02": builder.k02_bad_id,
                  "K03": builder.k03_borrowed, "K04": builder.k04_name,
                  "K05": builder.k05_altered, "K06": builder.k06_multi,
                  "K07": builder.k07_expired, "K08": builder.k08_review,
                  "K09": builder.k09_revoked, "K10": builder.k10_item}[kind]
        method(k)


def finish_roster(builder: RosterBuilder, *, m: int) -> tuple[pa.Table, pa.Table]:
    """The clean rows (they only read the certificates), then the table and the truth."""
    counts = fraud_counts(m)
    fraud_rows = sum(counts.values()) + counts["K06"]
    clean = max(0, round((m - fraud_rows) / 1.10))  # 10 % of clean workers add a past stint
    builder.clean(clean)
    return builder.table(), pa.concat_tables(builder.truths)
