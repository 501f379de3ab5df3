"""The import's vectorised ID check (the screening engine's SQL) must never call valid what
ids.check_id_no refuses: a differential test over every region code and its boundary years."""

import random
from datetime import date

from certguard import ids
from certguard.registry.import_ids import IdBatch, parts


def _candidates() -> list[str]:
    rng = random.Random(11643)
    out = []
    for code, (_start, end) in ids.region_code_years().items():
        for year in {1899, 1900, 1985, 2024, 2031} | ({end - 1, end, end + 1} if end else set()):
            birth = f"{year:04d}{rng.randrange(1, 13):02d}{rng.choice([1, 15, 28, 29, 30, 31]):02d}"
            first17 = code + birth + f"{rng.randrange(1000):03d}"
            good = first17 + ids.id_check_char(first17)
            out += [good, first17 + rng.choice("0123456789X"), good.lower(), good[:17]]
    return out


def test_sql_valid_ids_are_exactly_the_python_valid_clean_ones():
    as_of = date(2024, 9, 1)
    candidates = _candidates()
    assert len(candidates) > 10_000
    batch = IdBatch(as_of=as_of)
    try:
        valid = batch.valid(candidates)
    finally:
        batch.close()
    python = {x for x in candidates if len(x) == 18
              and (check := ids.check_id_no(x, as_of=as_of)).ok and check.id_no == x}
    assert valid <= python  # never laxer: what SQL accepts skips Python
    assert len(python - valid) <= len(python) // 100  # residence permits etc. go to Python
    for x in list(valid)[:500]:
        check = ids.check_id_no(x, as_of=as_of)
        assert parts(x) == (check.sex, check.birth_date.isoformat())
