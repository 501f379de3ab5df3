"""Chinese names: common surnames with rough frequencies, and given-name characters by sex."""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from certguard.synth.codes import each_chunk_drawing, short_views, view_strings

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
def _surname_buckets() -> tuple[np.ndarray, np.ndarray, int]:
    """For 2**16 equal slices of [0, 1): how many surname boundaries (the weights' cumulative
    sums) lie below the slice, and the one boundary inside it, if any (else 2)."""
    cdf = np.cumsum(_surname_weights())
    cdf /= cdf[-1]
    buckets = 1 << 16
    below = np.searchsorted(cdf, np.arange(buckets + 1) / buckets, side="left")
    inside = np.diff(below)
    if inside.max() > 1:  # pragma: no cover - the weights are fixed and far apart
        raise AssertionError("surname weights too close together for the bucket table")
    boundary = np.where(inside == 1, cdf[np.minimum(below[:-1], len(cdf) - 1)], 2.0)
    return below[:-1], boundary, buckets


def _surnames(u: np.ndarray) -> np.ndarray:
    """Surname indices for uniform draws u, exactly as Generator.choice(p=...) maps its draws
    (the number of cumulative weights <= u), by a table lookup instead of a binary search."""
    below, boundary, buckets = _surname_buckets()
    slot = (u * buckets).astype(np.int64)
    return below[slot] + (u >= boundary[slot])


def _utf8(chars: list[str]) -> np.ndarray:
    return np.frombuffer("".join(chars).encode(), dtype=np.uint8).reshape(len(chars), 3)


@cache
def _table() -> tuple[np.ndarray, int]:
    """Every name the generator can produce (about 720,000) as inline string_view elements,
    so names are integer codes into one table instead of millions of freshly built strings.
    Code (s * firsts + g1) * seconds + g2 = surname s, given g1, given g2 (last = none)."""
    seconds = len(_MALE) + len(_FEMALE) + 1
    surnames, given = _utf8(SURNAMES), _utf8(_MALE + _FEMALE)  # every character is 3 bytes
    shape = (len(surnames), len(given), seconds)
    chars = np.zeros((*shape, 9), dtype=np.uint8)
    chars[..., 0:3] = surnames[:, None, None, :]
    chars[..., 3:6] = given[None, :, None, :]
    chars[:, :, :-1, 6:9] = given[None, None, :, :]
    widths = np.full(shape, 9, dtype=np.int32)
    widths[:, :, -1] = 6
    return short_views(chars.reshape(-1, 9), widths.reshape(-1)), seconds


@cache
def _dictionary() -> tuple[pa.Array, int]:
    views, seconds = _table()
    return view_strings(views), seconds


def name_strings(codes: np.ndarray) -> pa.StringArray:
    """The names with these codes (make_names' dictionary indices), as plain strings."""
    return view_strings(_table()[0][np.asarray(codes, dtype=np.int64)])


def make_names(rng: np.random.Generator, *, male: np.ndarray) -> pa.DictionaryArray:
    """One name per person: surname + one or two given-name characters chosen by sex.

    Four draws a person (surname, first and second given character, one or two), made and
    turned into codes chunk by chunk on two cores, each chunk from a stream of its own."""
    n = len(male)
    dictionary, seconds = _dictionary()
    firsts = len(_MALE) + len(_FEMALE)
    codes = np.empty(n, dtype=np.int32)

    def name(part: slice, stream: np.random.Generator) -> None:
        sex = male[part]
        u = stream.random((4, len(sex)))
        code = _surnames(u[0]) * firsts  # = rng.choice(len(SURNAMES), p=weights)
        code += _given(sex, u[1])
        code *= seconds
        code += np.where(u[3] < 0.3, seconds - 1, _given(sex, u[2]))  # ~30 %: one given char
        codes[part] = code

    each_chunk_drawing(name, n, rng)
    return pa.DictionaryArray.from_arrays(pa.array(codes), dictionary)


def _given(male: np.ndarray, u: np.ndarray) -> np.ndarray:
    offset = np.where(male, 0, len(_MALE))
    size = np.where(male, len(_MALE), len(_FEMALE))
    return offset + (u * size).astype(np.int64)


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
