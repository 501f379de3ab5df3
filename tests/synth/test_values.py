"""Synthetic values are valid where they must be: ID numbers, credit codes, names, lifecycle."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow.parquet as pq

from certguard import ids
from certguard.catalog import reference
from certguard.synth.certs import make_certs
from certguard.synth.codes import credit_codes
from certguard.synth.generate import generate
from certguard.synth.people import make_people


def test_vectorised_id_numbers_pass_the_reference_check() -> None:
    people = make_people(np.random.default_rng(0), n=5000, as_of=(date(2024, 9, 1)
                                                                  - date(1970, 1, 1)).days)
    numbers = people.id_no.to_pylist()
    assert len(set(numbers)) == len(numbers)
    for id_no, male in zip(numbers[:2000], people.male[:2000], strict=True):
        check = ids.check_id_no(id_no, as_of=date(2024, 9, 1))
        assert check.ok, (id_no, check.message)
        assert check.sex == ("男" if male else "女")


def test_vectorised_credit_codes_pass_the_reference_check() -> None:
    codes = credit_codes(region=np.array([110105, 440305, 650102]),
                         serial=np.array([0, 12345, 31**8])).to_pylist()
    assert all(ids.check_credit_code(c).ok for c in codes)


def test_certificates_follow_catalogue_and_lifecycle(tmp_path) -> None:
    made = generate(out_dir=tmp_path, certificates=3000, roster=500, seed=4)
    rows = pq.read_table(made.files["certificates"]).to_pylist()
    items = {i.code: i.family for i in reference.ITEMS}
    validity = {f.key: f.validity_years for f in reference.FAMILIES}
    for row in rows:
        assert items[row["item_code"]] == row["family"]
        assert row["first_issued"] <= row["valid_from"] <= row["valid_until"]
        days = (row["valid_until"] - row["valid_from"]).days + 1
        assert days == validity[row["family"]] * 365
        if row["family"] == "special_ops" and row["cert_no"].startswith("T"):
            assert len(row["cert_no"]) == 19
        assert 2 <= len(row["name"]) <= 3


def test_table_lookups_match_the_direct_computation() -> None:
    """The vectorised shortcuts give exactly what the straightforward code gives."""
    from certguard.synth import names
    from certguard.synth.certs import _FAMILY_CDF, _family_of

    u = np.random.default_rng(9).random(200_000)
    cdf = np.cumsum(names._surname_weights())
    cdf /= cdf[-1]
    assert np.array_equal(names._surnames(u), cdf.searchsorted(u, side="right"))
    assert np.array_equal(np.random.default_rng(9).choice(len(names.SURNAMES), size=len(u),
                                                          p=names._surname_weights()),
                          names._surnames(u))
    assert np.array_equal(_family_of(u), _FAMILY_CDF.searchsorted(u, side="right"))
    given = names._MALE + names._FEMALE + [""]
    expected = [s + given[a] + given[b] for s in names.SURNAMES
                for a in range(len(given) - 1) for b in range(len(given))]
    assert names._dictionary()[0].to_pylist() == expected
    codes = np.random.default_rng(1).integers(0, len(expected), size=1000)
    assert names.name_strings(codes).to_pylist() == [expected[i] for i in codes]


def test_a_birth_date_of_1969_12_31_is_written_not_taken_for_empty() -> None:
    """Day -1 since 1970 is a real birth date (R17 conflicts shift birth dates onto it)."""
    from certguard.synth.generate import _certificate_table
    from certguard.synth.registry_frauds import plant_registry_frauds

    as_of = (date(2024, 9, 1) - date(1970, 1, 1)).days
    rng = np.random.default_rng(3)
    people = make_people(rng, n=2000, as_of=as_of)
    c = make_certs(rng, n=2000, people=people, as_of=as_of, window_start=as_of - 365,
                   n_window=50)
    frauds = plant_registry_frauds(rng, c=c, people=people, as_of=as_of,
                                   used=np.zeros(2000, bool))
    people.birth[c.pid[:4]] = -1
    c.birth_given[:4] = [True, False, True, False]
    frauds.birth_shift[:4] = 0
    table = _certificate_table(c, people, frauds, slice(0, 4))
    assert table["birth_date"].to_pylist() == [date(1969, 12, 31), None, date(1969, 12, 31),
                                               None]


def test_second_certificates_across_chunks_are_never_special_ops_nor_the_first_family() -> None:
    as_of = (date(2024, 9, 1) - date(1970, 1, 1)).days
    rng = np.random.default_rng(8)
    people = make_people(rng, n=520_000, as_of=as_of)
    c = make_certs(rng, n=600_000, people=people, as_of=as_of, window_start=as_of - 365,
                   n_window=20_000)
    second = np.arange(c.n_persons, len(c))  # chunk 2 holds first and second certificates
    assert (c.family[second] != 0).all()
    assert (c.family[second] != c.family[c.pid[second]]).all()
    assert c.window.sum() == 20_000 and not c.window[:c.n_multi].any()
    assert ((c.first <= c.valid_from) & (c.valid_from <= c.valid_until)).all()


def test_sampling_picks_distinct_free_positions_and_marks_them_used() -> None:
    from certguard.synth.codes import sample_where

    rng = np.random.default_rng(4)
    mask = rng.random(100_000) < 0.3
    used = np.zeros(len(mask), bool)
    used[:50_000] = True
    available = int((mask & ~used).sum())
    for k in (10, 3000, available // 2, available + 5):  # drawn one by one, or from a list
        before = used.copy()
        chosen = sample_where(rng, mask, used, k)
        assert len(chosen) == min(k, int((mask & ~before).sum()))
        assert len(np.unique(chosen)) == len(chosen)
        assert mask[chosen].all() and not before[chosen].any() and used[chosen].all()
        assert int(used.sum()) == int(before.sum()) + len(chosen)
