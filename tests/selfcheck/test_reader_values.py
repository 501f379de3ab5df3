"""Cell values as employers' spreadsheets damage them: cleaned, or refused with a stable code."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from certguard.ids import make_id_no
from certguard.selfcheck.reader import inert_text
from certguard.selfcheck.reader.values import (
    ValueProblem,
    clean_cert_no,
    clean_id_no,
    clean_text,
    is_formula_like,
    optional_text,
    parse_date,
    split_item,
)

ID = make_id_no("110105", date(1980, 1, 2), 11)  # 110105198001020118
ID_X = "11010519491231002X"  # GB 11643's worked example


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(("raw", "expected"), [
    ("张  三", "张三"),
    ("\u3000李四\u00a0", "李四"),
    ("阿卜杜 · 热合曼", "阿卜杜·热合曼"),
    ("John  Smith", "John Smith"),
    ("ＡＢＣ１２３", "ABC123"),
    ("王\u200b五", "王五"),
    (12.0, "12"),
    (None, ""),
])
def test_clean_text_normalises_width_and_spaces(raw: object, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw", ["", "-", "—", "/", "无", "暂无", "  ", "N/A"])
def test_optional_text_treats_placeholders_as_empty(raw: str) -> None:
    assert optional_text(raw) is None


@pytest.mark.parametrize("raw", [
    ID, _full_width(ID), f" {ID[:6]} {ID[6:14]} {ID[14:]} ", f"\u00a0{ID}\u00a0", f"'{ID}",
])
def test_id_number_damage_that_loses_nothing_is_undone(raw: str) -> None:
    assert clean_id_no(raw) == ID


def test_lower_case_x_becomes_upper_case() -> None:
    assert clean_id_no(ID_X.lower()) == ID_X
    assert clean_id_no(_full_width(ID_X.lower())) == ID_X


@pytest.mark.parametrize("raw", [
    1.10105194912310e17,  # a numeric cell: the float cannot hold 18 digits
    110105194912310002,  # an int that passed through a float on the way
    "1.10105E+17",  # what the cell shows
    "1.10105e+17",
    "110105194912310000.0",
    "110105194912310000",  # text copied from the damaged cell: 15 digits then zeros
])
def test_lost_digits_are_flagged_never_guessed(raw: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        clean_id_no(raw)
    assert caught.value.code == "id_lost_digits"
    assert "末尾数字已丢失" in caught.value.message


def test_a_valid_id_ending_in_000_is_not_mistaken_for_lost_digits() -> None:
    candidates = (make_id_no("110105", date(1980, 1, 1) + timedelta(days=d), seq)
                  for d in range(3000) for seq in range(0, 1000, 100))
    genuine = next(i for i in candidates if i.endswith("000"))
    assert clean_id_no(genuine) == genuine


def test_a_15_digit_legacy_number_in_a_numeric_cell_is_exact_and_kept() -> None:
    assert clean_id_no(110105491231002.0) == "110105491231002"


@pytest.mark.parametrize(("raw", "code"), [
    ("", "id_empty"),
    (ID[:-1], "id_length"),
    (ID[:-1] + "Y", "id_chars"),
    (ID[:-1] + ("0" if ID[-1] != "0" else "1"), "id_check_char"),
    ("999999198001020118", "id_region"),
])
def test_invalid_ids_carry_the_code_of_the_ids_module(raw: str, code: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        clean_id_no(raw)
    assert caught.value.code == code


@pytest.mark.parametrize(("raw", "expected"), [
    ("2019.5.6", date(2019, 5, 6)),
    ("2019-05-06", date(2019, 5, 6)),
    ("2019/5/6", date(2019, 5, 6)),
    ("2019年5月6日", date(2019, 5, 6)),
    ("2019 年 5 月 6 日", date(2019, 5, 6)),
    ("20190506", date(2019, 5, 6)),
    ("２０１９．５．６", date(2019, 5, 6)),
    ("2019-05-06 00:00:00", date(2019, 5, 6)),
    ("2019.05", date(2019, 5, 1)),
    ("2019年5月", date(2019, 5, 1)),
    (43591.0, date(2019, 5, 6)),  # Excel serial number in a General cell
    ("43591", date(2019, 5, 6)),  # the same, after a CSV export
    (20190506.0, date(2019, 5, 6)),  # 20190506 typed into a number cell
    (date(2019, 5, 6), date(2019, 5, 6)),
    (datetime(2019, 5, 6, 8, 30), date(2019, 5, 6)),
    ("2019.5.6-2025.5.5", date(2019, 5, 6)),
    ("", None),
    ("-", None),
])
def test_dates_in_common_chinese_forms(raw: object, expected: date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("2019.5.6-2025.5.5", date(2025, 5, 5)),
    ("2019.05.06至2025.05.05", date(2025, 5, 5)),
    ("2019-05-06~2025-05-05", date(2025, 5, 5)),
    ("2019-05-06-2025-05-05", date(2025, 5, 5)),
    ("2019年5月6日—2025年5月5日", date(2025, 5, 5)),
    ("2025.05", date(2025, 5, 31)),
    ("2024.2", date(2024, 2, 29)),
])
def test_validity_takes_the_end_of_a_range_or_month(raw: str, expected: date) -> None:
    assert parse_date(raw, end=True) == expected


@pytest.mark.parametrize("raw", ["2019.2.30", "2019.13.1", "长期", "2025", 2025.0, "5/6/2019",
                                 "1850.1.1", "abc"])
def test_unreadable_dates_are_refused_not_guessed(raw: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_date(raw, end=True)
    assert caught.value.code == "date_invalid"


def test_cert_numbers_are_tidied_and_lost_digits_flagged() -> None:
    assert clean_cert_no(" t" + ID + " ") == "T" + ID
    assert clean_cert_no("无") is None
    assert clean_cert_no("晋A012008000001") == "晋A012008000001"
    for damaged in (1.2345678901234567e17, "1.23457E+17"):
        with pytest.raises(ValueProblem) as caught:
            clean_cert_no(damaged)
        assert caught.value.code == "cert_no_lost_digits"


@pytest.mark.parametrize(("raw", "expected"), [
    ("1.2", ("1.2", None)), ("n1", ("N1", None)), ("Q2", ("Q2", None)), (1.2, ("1.2", None)),
    ("低压电工作业", (None, "低压电工作业")), ("", (None, None)),
])
def test_item_is_a_catalogue_code_or_text(raw: object, expected: tuple) -> None:
    assert split_item(raw) == expected


@pytest.mark.parametrize("raw", ['=HYPERLINK("http://evil","点我")', "+cmd|' /C calc'!A0",
                                 "-2+3", "@SUM(A1)", "\t=1+1"])
def test_formula_like_text_is_detected_and_made_inert(raw: str) -> None:
    assert is_formula_like(raw)
    assert inert_text(raw) == "'" + raw


@pytest.mark.parametrize("raw", ["张三", "-", "T" + ID, "", None, 12.5])
def test_ordinary_values_pass_through_inert_text(raw: object) -> None:
    assert not is_formula_like(raw)
    text = inert_text(raw)
    assert not text.startswith("'") or raw == "-"


def test_inert_text_neutralises_a_lone_minus_too() -> None:
    # Exports are what matter: even "-" is prefixed there, harmlessly.
    assert inert_text("-") == "'-"
    assert inert_text(date(2020, 1, 2)) == "2020-01-02"
