"""A list filter given a value that does not exist says so on the page (never a silently
empty or unfiltered list). The clue, ledger and certificate lists use StrictFilterSet; these
are the pages with a hand-made filter."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("who", "url", "words"), [
    (("inspector", "A"), "/clues/?region=abc", "地区代码应为"),
    (("inspector", "A"), "/tips/inbox/?status=abc", "不是有效的状态"),
    (("netgov_officer", "A"), "/netwatch/domains/?status=abc", "不是有效的状态"),
    (("inspector", "A"), "/selfcheck/figures/?region=abc", "不是2、4或6位数字"),
    (("inspector", "A"), "/selfcheck/figures/?sector=nosuch", "不是有效的行业"),
])
def test_invalid_value_is_named(world, client, who, url, words):
    client.force_login(world.user(*who))
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "筛选条件有误" in page and words in page
