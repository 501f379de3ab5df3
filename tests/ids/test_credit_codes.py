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
