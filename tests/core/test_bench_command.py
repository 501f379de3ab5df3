"""`certguard bench <area>`: the areas offered, help, and bad arguments."""

import io

import pytest
from django.core.management import CommandError, call_command


def test_help_of_an_area_is_not_an_error(capsys):
    call_command("bench", "ecert", "--help", stdout=io.StringIO())
    assert "--seconds" in capsys.readouterr().out


def test_bad_arguments_exit_2_with_a_chinese_message():
    with pytest.raises(CommandError) as failure:
        call_command("bench", "ecert", "--no-such-option", stdout=io.StringIO())
    assert failure.value.returncode == 2 and "基准参数有误" in str(failure.value)


def test_only_benchmarks_are_areas_not_their_helpers():
    with pytest.raises(CommandError) as failure:
        call_command("bench", "nothing", stdout=io.StringIO())
    offered = str(failure.value)
    assert "verify" in offered and "selfcheck" in offered and "screening" in offered
    assert "_support" not in offered and "bare_wsgi" not in offered
