import pytest

from certguard.netwatch.keywords import default_keyword_list, keyword_list_from_dict
from certguard.netwatch.textnorm import MAX_CHARS, Normaliser, spellings


@pytest.fixture(scope="module")
def norm():
    return Normaliser(default_keyword_list())


@pytest.mark.parametrize(("text", "keywords", "evasion"), [
    ("辦證 不用考試 官網可查", ["办证", "不用考试", "官网可查"], "traditional"),
    ("ｂｚ加ｖｘ", ["办证", "微信"], "fullwidth"),
    ("办 证，不.用.考.试", ["办证", "不用考试"], "separator"),
    ("办🔥证，不✅用考试", ["办证", "不用考试"], "emoji"),
    ("办正，不用烤试，全国联网可茶", ["办证", "不用考试", "全国联网可查"], "homophone"),
    ("banzheng，bu yong kao shi", ["办证", "不用考试"], "pinyin"),
    ("bz 加v qglwkc", ["办证", "微信", "全国联网可查"], "initials"),
    ("电工证不用kaoshi", ["电工证", "不用考试"], "pinyin"),
])
def test_each_evasion_is_undone_and_reported(norm, text, keywords, evasion) -> None:
    result = norm.normalise(text)
    assert [k for k in result.keywords if k in keywords] == keywords
    assert evasion in result.evasions
    for keyword in keywords:
        assert keyword in result.text


def test_plain_text_reports_no_evasion(norm) -> None:
    result = norm.normalise("电工证不用考试，全国联网可查。")
    assert result.evasions == set()
    assert result.text == "电工证不用考试全国联网可查"


def test_false_friends_and_ordinary_words_are_left_alone(norm) -> None:
    assert norm.normalise("设备操作正常，待办事项已处理").keywords == []
    assert norm.normalise("正规培训，真正考试").keywords == []


def test_pinyin_must_stand_as_a_word(norm) -> None:
    assert norm.normalise("abzc 办公").keywords == []
    assert norm.normalise("subzero").keywords == []
    assert norm.normalise("BZ 请联系").keywords == ["办证"]


def test_quoted_keywords_are_marked(norm) -> None:
    result = norm.normalise("警惕“不用考试、全国可查”的假证广告")
    assert [m.quoted for m in result.matches] == [True, True]
    assert not any(m.quoted for m in norm.normalise("不用考试，全国可查").matches)


def test_long_text_is_cut_and_flagged(norm) -> None:
    result = norm.normalise("无关内容" * MAX_CHARS + "不用考试")
    assert result.truncated and len(result.text) == MAX_CHARS


def test_department_variants_extend_the_list(norm) -> None:
    data = default_keyword_list().to_dict()
    data["version"] = 2
    data["keywords"].append({"phrase": "拿本", "category": "sales", "variants": ["na ben"]})
    custom = Normaliser(keyword_list_from_dict(data))
    assert custom.normalise("三天 na ben").keywords == ["拿本"]
    assert norm.normalise("三天 na ben").keywords == []


def test_spellings_cover_homophones_pinyin_and_initials() -> None:
    found = dict(spellings("办证", initials=True))
    assert found["办证"] == ()
    assert found["办正"] == ("homophone",)
    assert found["banzheng"] == ("pinyin",)
    assert found["bz"] == ("initials",)
    assert "ban证" in found
    assert "bz" not in dict(spellings("办证"))
