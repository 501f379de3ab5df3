"""Frauds planted in the certificate registry itself (R02, R03, R11, R17)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from certguard.synth.certs import Certs, _periods
from certguard.synth.codes import break_check, sample_where
from certguard.synth.people import YEAR, People, rebirth


@dataclass
class RegistryFrauds:
    bad_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # R02
    bad_number: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # R03
    age: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # R11
    conflict: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # R17 (pairs)
    name_alt: np.ndarray | None = None  # per certificate: the name differs from the person's
    birth_shift: np.ndarray | None = None  # per certificate: days added to birth_date
    wrong_number: np.ndarray | None = None  # per certificate: in bad_number


def _pick(rng: np.random.Generator, mask: np.ndarray, used: np.ndarray, k: int) -> np.ndarray:
    return sample_where(rng, mask, used, k)


def plant_registry_frauds(rng: np.random.Generator, *, c: Certs, people: People, as_of: int,
                          used: np.ndarray) -> RegistryFrauds:
    n = len(c)
    single = np.zeros(n, dtype=bool)  # the only certificate of its holder, clean
    single[c.n_multi:c.n_persons] = True
    single &= ~c.window
    single &= c.status == 0
    single &= ~c.expired
    f = RegistryFrauds(name_alt=np.zeros(n, bool), birth_shift=np.zeros(n, np.int16))
    f.bad_id = _pick(rng, single, used, max(1, round(n * 0.0001)))
    people.chars[c.pid[f.bad_id]] = break_check(people.chars[c.pid[f.bad_id]])
    f.bad_number = _pick(rng, single & (c.family == 0), used, max(1, round(n * 0.0001)))
    f.wrong_number = np.zeros(n, bool)
    f.wrong_number[f.bad_number] = True
    f.age = _pick(rng, single, used, max(2, round(n * 0.0002)))
    _plant_ages(rng, c=c, people=people, index=f.age, as_of=as_of)
    f.conflict = _plant_conflicts(rng, c=c, used=used, frauds=f, k=max(1, round(n * 0.0001)))
    return f


def _plant_ages(rng: np.random.Generator, *, c: Certs, people: People, index: np.ndarray,
                as_of: int) -> None:
    """Half first issued at 17, half still renewed at three years past retirement age."""
    young = np.arange(len(index)) % 2 == 0
    y, o = index[young], index[~young]
    # Issued at 17 years and 100 days: keep the issue date, move the birth date.
    rebirth(people, c.pid[y], c.first[y] - (17 * YEAR + 100))
    c.valid_from[y], c.valid_until[y] = _periods(c.first[y], c.family[y], as_of)
    retire = np.where(people.male[c.pid[o]], 60, 50)
    rebirth(people, c.pid[o], c.valid_from[o] - (retire + 3) * YEAR)


def _plant_conflicts(rng: np.random.Generator, *, c: Certs, used: np.ndarray,
                     frauds: RegistryFrauds, k: int) -> np.ndarray:
    """People holding two certificates from different registries that disagree on them."""
    person = np.arange(c.n_multi)
    second = c.n_persons + person
    same_source = (c.family[person] == 0) & (c.family[second] == 3)  # both from 'mem'
    ok = ~used[person] & ~used[second] & ~same_source
    chosen = rng.choice(person[ok], size=min(k, int(ok.sum())), replace=False)
    used[chosen] = used[c.n_persons + chosen] = True
    by_name = np.arange(len(chosen)) % 2 == 0
    assert frauds.name_alt is not None and frauds.birth_shift is not None  # set by the caller
    frauds.name_alt[c.n_persons + chosen[by_name]] = True
    both = np.concatenate([chosen[~by_name], c.n_persons + chosen[~by_name]])
    c.birth_given[both] = True
    shift = rng.integers(30, 301, size=int((~by_name).sum())) * rng.choice([-1, 1],
                                                                            size=int((~by_name).sum()))
    frauds.birth_shift[c.n_persons + chosen[~by_name]] = shift
    return np.concatenate([chosen, c.n_persons + chosen])
