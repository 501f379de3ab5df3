import numpy as np
import pytest

from certguard.netwatch import adcorpus
from certguard.netwatch.adclassifier import (
    AdClassifier,
    evaluate,
    fingerprint,
    load_or_train,
    train_model,
)
from certguard.netwatch.keywords import default_keyword_list


def test_quality_on_unseen_templates_with_planted_evasions(classifier) -> None:
    report = evaluate(classifier)
    assert report["samples"] == 4000
    assert report["precision"] >= 0.97, report["false_positive_examples"]
    assert report["recall"] >= 0.93, report["missed_examples"]
    for evasion in ("traditional", "fullwidth", "separators", "homophones", "pinyin", "emoji",
                    "mixed", "none"):
        assert report["recall_by_evasion"][evasion] >= 0.85, (evasion, report)


@pytest.mark.parametrize("text", [
    "警惕'不用考试、全国可查'的假证广告",
    "警惕“不用考试、全国联网可查”的假证广告，特种作业操作证须经培训考试取得",
    "某市公安局破获一起伪造电工证案，嫌疑人在网上发布“包过、官网可查”广告",
    "本校电工证培训报名中，理论加实操，考试合格后全国联网可查，报名电话13800000000",
    "招聘持证电工3名，须持有效电工证，证书官网可查，月薪6000元",
    "电工证到期了怎么复审？在哪里查询真伪？",
])
def test_texts_that_use_the_words_but_sell_nothing_are_clean(classifier, text) -> None:
    verdict = classifier.classify(text)
    assert verdict.verdict == "clean", verdict
    assert verdict.score < 50


@pytest.mark.parametrize("text", [
    "电工证不用考试，全国联网可查，加V：abc123",
    "焊工证 包过 免考 当天出证 vx：zhengshu888",
    "辦證 不用考試 官網可查 ＋ｖｘ ａｂｃ１２３",
    "bz 不用kaoshi qglwkc 加vx 13800000000",
    "高🔥压🔥电工证，不✅用考试，扫码可查，微信 kk888",
    "叉 车 证 不 用 烤 式，全 国 联 网 可 茶，威信 abc",
])
def test_selling_ads_are_caught_through_evasions(classifier, text) -> None:
    verdict = classifier.classify(text)
    assert verdict.verdict == "selling", verdict
    assert verdict.score >= 50 and verdict.matched


def test_model_is_cached_as_plain_arrays_and_reused(model_cache, classifier) -> None:
    files = list(model_cache.glob("ads-model-*.npz"))
    assert len(files) == 1
    with np.load(files[0], allow_pickle=False) as data:  # no pickle needed to read it
        assert str(data["fingerprint"]) == classifier.model.fingerprint
    again = load_or_train(keywords=default_keyword_list(), cache_dir=model_cache)
    assert np.array_equal(again.coef, classifier.model.coef)


def test_damaged_cache_is_rebuilt(tmp_path, classifier) -> None:
    path = tmp_path / f"ads-model-{fingerprint(default_keyword_list())[:16]}.npz"
    path.write_bytes(b"not a model")
    model = load_or_train(keywords=default_keyword_list(), cache_dir=tmp_path)
    assert np.allclose(model.coef, classifier.model.coef)
    with np.load(path, allow_pickle=False) as data:
        assert data["coef"].shape == classifier.model.coef.shape


def test_training_is_deterministic() -> None:
    first = train_model(keywords=default_keyword_list(), count=600)
    second = train_model(keywords=default_keyword_list(), count=600)
    assert np.array_equal(first.coef, second.coef) and first.intercept == second.intercept


def test_train_and_test_families_share_no_template() -> None:
    for kind, templates in adcorpus.TEST.items():
        assert not set(templates) & set(adcorpus.TRAIN[kind])
    train = {s.text for s in adcorpus.generate(family="train", count=2000, seed=1,
                                               keywords=default_keyword_list())}
    test = {s.text for s in adcorpus.generate(family="test", count=2000, seed=1,
                                              keywords=default_keyword_list())}
    assert not train & test


def test_empty_batch_and_given_model(classifier) -> None:
    reuse = AdClassifier(model=classifier.model)
    assert reuse.classify_many([]) == []
    assert reuse.classify("包过").to_dict().keys() == {"verdict", "score", "matched",
                                                      "normalised", "evasions"}
