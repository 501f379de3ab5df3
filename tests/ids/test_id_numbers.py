from datetime import date

import pytest

from certguard import ids


def test_worked_example_from_the_standard_is_valid():
    result = ids.check_id_no("11010519491231002X")
    assert result.ok
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "女"
    assert result.region_code == "110105"


@pytest.mark.parametrize("raw", [
    "11010519491231002x", " 110105 19491231002X ", "１１０１０５１９４９１２３１００２Ｘ"])
def test_harmless_damage_is_normalised(raw):
    assert ids.check_id_no(raw).ok


@pytest.mark.parametrize("raw", ["1.10105E+17", "1.10105194912310E+17", "110105194912310000.0"])
def test_lost_digits_are_flagged_not_repaired(raw):
    result = ids.check_id_no(raw)
    assert not result.ok
    assert result.code == "id_lost_digits"


def test_any_single_digit_change_breaks_the_check_character():
    good = "11010519491231002X"
    for position in range(17):
        for digit in "0123456789":
            if digit == good[position]:
                continue
            altered = good[:position] + digit + good[position + 1:]
            assert not ids.check_id_no(altered).ok, altered


@pytest.mark.parametrize(("raw", "code"), [
    ("", "id_empty"),
    ("1101051949123100", "id_length"),
    ("11010519491231A02X", "id_chars"),
    ("110105194902300028", "id_birth_date"),
    ("990105194912310021", "id_region"),
    ("110105194912310021", "id_check_char"),
])
def test_each_failure_has_its_own_code_and_chinese_message(raw, code):
    result = ids.check_id_no(raw)
    assert result.code == code
    assert not result.ok
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.message)


def test_abandoned_region_code_is_valid_only_for_people_born_before_its_end():
    abandoned = next(code for code, (_, end) in ids.region_code_years().items()
                     if end is not None and end < 2000 and code not in _open_codes())
    _, end = ids.region_code_years()[abandoned]
    assert ids.check_id_no(ids.make_id_no(abandoned, date(end - 5, 1, 1), 11)).ok
    late = ids.check_id_no(ids.make_id_no(abandoned, date(end + 2, 1, 1), 11))
    assert late.code == "id_region"


def _open_codes():
    return {code for code, (_, end) in ids.region_code_years().items() if end is None}


def test_legacy_fifteen_digit_number():
    assert ids.check_id_no("110105491231002").ok
    assert ids.upgrade_legacy_id("110105491231002") == "11010519491231002X"


def test_residence_permit_codes_are_accepted():
    assert ids.check_id_no(ids.make_id_no("810000", date(1990, 1, 1), 1)).ok


def test_mask_keeps_first_and_last_four():
    assert ids.mask_id_no("440304199001011512") == "4403**********1512"


def test_unrolled_check_character_matches_the_weights():
    import random

    rng = random.Random(1)
    for _ in range(500):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        total = sum(int(c) * w for c, w in zip(first17, ids.ID_WEIGHTS, strict=True))
        assert ids.id_check_char(first17) == ids.ID_CHECK_CHARS[total % 11]


# --- address codes and their years (GB 11643-1999 5.2, GB/T 2260) -------------------------

def test_person_born_in_the_abolition_year_keeps_a_valid_number():
    # 崇文区 (110103) was merged into 东城区 in July 2010: a child born in March 2010 has it.
    assert ids.check_id_no("110103201003150014", as_of=date(2024, 1, 1)).ok
    late = ids.check_id_no(ids.make_id_no("110103", date(2011, 3, 15), 1), as_of=date(2024, 1, 1))
    assert late.code == "id_region"
    assert "崇文区" in late.message and "2010年撤销" in late.message


def test_every_abolished_code_is_valid_through_its_abolition_year_and_not_after():
    closed = {code: end for code, (_, end) in ids.region_code_years().items() if end is not None}
    assert len(closed) > 3_600
    wrong = [code for code, end in closed.items()
             if not ids.check_id_no(ids.make_id_no(code, date(end, 12, 31), 1)).ok
             or ids.check_id_no(ids.make_id_no(code, date(end + 1, 1, 1), 1)).ok]
    assert wrong == []


def test_legacy_fifteen_digit_number_follows_the_same_years():
    assert ids.region_code_years()["140523"] == (1985, 1993)  # 高平县 → 高平市 in 1993
    assert ids.check_id_no("140523931231001").ok
    assert ids.check_id_no("140523940101001").code == "id_region"


@pytest.mark.parametrize(("code", "name"), [
    ("350404", "三元区"), ("610981", "旬阳市"), ("659012", "白杨市"), ("540481", "米林市"),
    ("653228", "和康县"), ("500157", "两江新区"), ("330113", "临平区"),
])
def test_codes_created_since_2020_are_known(code, name):
    assert ids.region_names()[code] == name
    assert ids.region_code_years()[code][1] is None
    assert ids.check_id_no(ids.make_id_no(code, date(1990, 5, 1), 21), as_of=date(2026, 1, 1)).ok


@pytest.mark.parametrize(("code", "end"), [
    ("350403", 2021), ("350402", 2021), ("540422", 2023), ("500112", 2025), ("330103", 2021)])
def test_codes_abolished_since_2021_carry_their_year(code, end):
    assert ids.region_code_years()[code][1] == end
    assert ids.check_id_no(ids.make_id_no(code, date(end, 6, 1), 3), as_of=date(2026, 1, 1)).ok
    later = ids.check_id_no(ids.make_id_no(code, date(end + 1, 1, 2), 3), as_of=date(2026, 9, 1))
    assert later.code == "id_region"
