import pytest

from certguard import ids


def test_published_code_is_valid():
    # The unified social credit code of Huawei Technologies Co., Ltd.
    assert ids.check_credit_code("914403001922038216").ok


def test_generated_codes_are_valid_and_distinct():
    codes = {ids.make_credit_code("140521", n) for n in range(500)}
    assert len(codes) == 500
    assert all(ids.check_credit_code(code).ok for code in codes)


@pytest.mark.parametrize(("raw", "error"), [
    ("91440300192203821", "credit_length"),
    ("91440300192203821I", "credit_chars"),
    ("914403001922038217", "credit_check_char"),
])
def test_invalid_codes_name_the_problem(raw, error):
    result = ids.check_credit_code(raw)
    assert not result.ok
    assert result.error == error


def _with_check(first17: str) -> str:
    return first17 + ids.credit_check_char(first17)


@pytest.mark.parametrize("region", ["44A300", "ABCDEF", "4403Y0"])
def test_letters_in_the_region_positions_are_rejected(region):
    # The check character is right: only GB 32100's structure (positions 3-8 = GB/T 2260) fails.
    code = _with_check(f"91{region}192203821")
    result = ids.check_credit_code(code)
    assert not result.ok
    assert result.error == "credit_region_chars"
    assert "第3至8位" in result.message and "行政区划代码" in result.message
    assert region in result.message


def test_unknown_region_digits_are_rejected():
    result = ids.check_credit_code(_with_check("91999999192203821"))
    assert result.error == "credit_region"
    assert "999999" in result.message


@pytest.mark.parametrize("region", ["440300", "110000", "100000", "350404", "110103"])
def test_known_current_historical_and_national_regions_are_accepted(region):
    # 100000: central government bodies; 110103: abolished 2010, codes issued before stay valid.
    assert ids.check_credit_code(_with_check(f"11{region}MB0143028")).ok


def test_letters_in_the_first_two_positions_are_allowed():
    # GB 32100: registration authority N (agriculture) and Y (other) are letters.
    assert ids.check_credit_code(_with_check("N2440300MA5F12345")).ok
