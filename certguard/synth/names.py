"""Chinese names: common surnames with rough frequencies, and given-name characters by sex."""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# The most common surnames, roughly in order of frequency (2020 census ranking).
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤"
)
_MALE = list("伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志文"
             "海峰亮东兵晨博成振永德宏庆春")
_FEMALE = list("芳娜敏静丽艳娟霞秀英玲燕红梅琳慧莉婷雪颖倩洁云兰琴萍翠凤佳悦欣怡晶蓉桂")


def _surname_weights() -> np.ndarray:
    ranks = np.arange(1, len(SURNAMES) + 1, dtype=np.float64)
    weights = 1.0 / ranks**0.9  # Zipf-like: 王李张 each around 7 %
    return weights / weights.sum()


@cache
def _dictionary() -> tuple[pa.Array, int]:
    """Every name the generator can produce (about 420,000), so names are integer codes into
    one dictionary instead of millions of freshly built strings."""
    given = _MALE + _FEMALE + [""]
    seconds = len(given)
    names = [s + given[a] + given[b] for s in SURNAMES for a in range(len(given) - 1)
             for b in range(seconds)]
    return pa.array(names), seconds


def make_names(rng: np.random.Generator, *, male: np.ndarray) -> pa.DictionaryArray:
    """One name per person: surname + one or two given-name characters chosen by sex."""
    n = len(male)
    dictionary, seconds = _dictionary()
    firsts = len(_MALE) + len(_FEMALE)
    s_idx = rng.choice(len(SURNAMES), size=n, p=_surname_weights())
    offset = np.where(male, 0, len(_MALE))
    size = np.where(male, len(_MALE), len(_FEMALE))
    g1 = offset + (rng.random(n) * size).astype(np.int64)
    g2 = offset + (rng.random(n) * size).astype(np.int64)
    g2 = np.where(rng.random(n) < 0.3, seconds - 1, g2)  # about 30 % have one given character
    codes = (s_idx * firsts + g1) * seconds + g2
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary)


def other_name(rng: np.random.Generator, names: pa.Array) -> pa.Array:
    """A different name for each input (a new surname, so it can never equal the old one)."""
    names = names.cast(pa.string())
    n = len(names)
    old = pc.utf8_slice_codeunits(names, 0, 1)
    rest = pc.utf8_slice_codeunits(names, 1, 10)
    shift = rng.integers(1, len(SURNAMES), size=n)
    index = pc.index_in(old, value_set=pa.array(SURNAMES)).to_numpy(zero_copy_only=False)
    new = pa.array(SURNAMES).take((np.nan_to_num(index, nan=0).astype(np.int64) + shift)
                                  % len(SURNAMES))
    return pc.binary_join_element_wise(new, rest, "")
