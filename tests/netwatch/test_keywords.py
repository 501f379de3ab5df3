import json

import pytest

from certguard.netwatch.errors import NetwatchError
from certguard.netwatch.keywords import (
    default_keyword_list,
    keyword_list_from_dict,
    load_keyword_list,
)

DOMAIN_PHRASES = ("不用考试", "免考", "不用到场", "包过", "交钱包过", "速成", "全国联网可查",
                  "官网可查", "终身可查", "扫码可查", "加急", "当天出证", "代办", "挂靠")


def test_default_list_carries_the_domain_md_phrases() -> None:
    keywords = default_keyword_list()
    assert keywords.department == "市场监管" and keywords.version == 1
    assert set(DOMAIN_PHRASES) <= set(keywords.phrases("sales"))


def test_round_trip_and_fingerprint_follow_the_content() -> None:
    keywords = default_keyword_list()
    again = keyword_list_from_dict(json.loads(json.dumps(keywords.to_dict())))
    assert again == keywords and again.fingerprint() == keywords.fingerprint()
    data = keywords.to_dict()
    data["version"] = 2
    assert keyword_list_from_dict(data).fingerprint() != keywords.fingerprint()


@pytest.mark.parametrize(("change", "fragment"), [
    ({"department": ""}, "提供部门"),
    ({"version": 0}, "版本号"),
    ({"version": True}, "版本号"),
    ({"keywords": []}, "没有关键词"),
    ({"keywords": [{"phrase": "证", "category": "sales"}]}, "太短"),
    ({"keywords": [{"phrase": "办证", "category": "other"}]}, "类别"),
    ({"keywords": [{"phrase": "办证", "category": "product"}] * 2}, "重复"),
    ({"keywords": [{"phrase": "办证", "category": "product", "variants": "bz"}]}, "variants"),
    ({"false_friends": "办正事"}, "false_friends"),
])
def test_bad_lists_are_refused(change, fragment) -> None:
    data = {**default_keyword_list().to_dict(), **change}
    with pytest.raises(NetwatchError) as caught:
        keyword_list_from_dict(data)
    assert caught.value.code == "keywords_invalid" and fragment in caught.value.message


def test_file_errors(tmp_path) -> None:
    with pytest.raises(NetwatchError, match="无法读取"):
        load_keyword_list(str(tmp_path / "none.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(NetwatchError, match="JSON"):
        load_keyword_list(str(bad))
