"""Generated ad texts, labelled, for training and testing the ad classifier (no real data).

Two families of templates: ``train`` and ``test`` share no template, so the test set measures
phrasings the model never saw. Both mix certificate-selling ads with the texts that use the same
words and must stay clean: anti-fraud notices that quote the sellers ("警惕'不用考试、全国可查'
的假证广告"), news about crackdowns, training-school adverts ("考试合格后全国联网可查"), job ads
("须持有效电工证，官网可查") and questions. Selling ads get the evasions sellers use
(traditional characters, full-width, separators, homophones, pinyin and initials, emoji); clean
texts get the harmless ones (traditional, full-width) so that script alone decides nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

from certguard.netwatch.keywords import KeywordList
from certguard.netwatch.textnorm import HOMOPHONES

CERTS = ("电工证", "焊工证", "高处作业证", "登高证", "叉车证", "特种作业操作证", "低压电工证",
         "高压电工证", "制冷证", "安全员证", "建筑电工证", "架子工证", "塔吊司机证", "信号工证",
         "锅炉证", "压力容器证", "电梯证", "起重机司机证", "熔化焊接证", "危化品操作证")
CITIES = ("北京", "上海", "广州", "深圳", "成都", "重庆", "武汉", "西安", "郑州", "太原", "晋城",
          "贵阳", "荥阳", "鹤岗", "福州", "南宁", "昆明", "杭州", "济南", "沈阳")
CLAIMS = ("全国联网可查", "官网可查", "终身可查", "扫码可查", "全国可查", "联网可查")
DELIVERY = ("当天出证", "加急", "当天拿证", "三天出证", "不用到场", "邮寄到家")
OFFICIAL = ("cx.mem.gov.cn", "应急管理部官网", "全国工程质量安全监管平台", "国家安全生产考试公众号")
SCHOOLS = ("安达职业培训学校", "华安安全技术培训中心", "新航技工学校", "鑫源职业技能培训中心",
           "平安安全培训学校", "建安培训中心")
COMPANIES = ("宏达建筑公司", "顺通物流", "中建某项目部", "鑫旺制造厂", "恒远物业", "金桥电力")

TRAIN = {
    "selling": (
        "{cert}{sales}，{sales2}，{claim}，{contact}",
        "专业代办{cert}，{sales}，{claim}，价格{price}元，{contact}",
        "急需{cert}的朋友看过来！{sales}{sales2}，{delivery}，{contact}",
        "{city}地区{cert}办理，{sales}，包拿证，{claim}，有意者{contact}",
        "各类特种作业证 {sales} {claim} 需要的私聊",
        "办证：{cert}、{cert2}，{sales}，{delivery}，{claim}",
        "{cert}出售 {claim} {sales} 价格实惠 {contact}",
        "想要{cert}的私信我，免去考试环节，保真，{contact}",
        "{cert}不想考的找我，{delivery}，能在网上查到，{contact}",
        "本人长期办理{cert}，人不用到，网上查得到，{contact}",
    ),
    "notice": (
        "警惕“{sales}、{claim}”的假证广告，{cert}必须经过正规培训考试取得",
        "提醒：凡是声称“{sales}”“{sales2}”的办证广告都是骗局，请到{official}查询证书真伪",
        "{city}应急管理局提示：网上“{sales}、{claim}”的{cert}均为假证，使用假证将被依法处罚",
        "谨防上当！所谓{sales}的{cert}都是假的，真证只能通过培训考试取得",
        "{sales}拿{cert}是骗局，{claim}也是假的，请勿相信",
        "所谓{sales}、{claim}的{cert}均系伪造，请广大从业人员提高警惕",
    ),
    "news": (
        "{city}警方破获一起伪造{cert}案，犯罪嫌疑人在网上发布“{sales}、{claim}”广告，涉案{n}人",
        "{city}市场监管局清理“{sales}”类违法广告{n}条，移交公安机关线索{m}条",
        "记者调查：网络上“{sales}”“{claim}”的{cert}广告背后是一条造假产业链",
        "{city}某工地一工人持网购的{cert}上岗被查，该证号称{sales}、{claim}",
        "{city}一女子网购假{cert}被行政拘留，卖家承诺{sales}{claim}",
    ),
    "school": (
        "{school}{cert}培训招生，理论加实操，考试合格后颁发证书，证书可在{official}查询，报名电话{phone}",
        "{cert}复审培训{month}月开班，考试通过后全国联网可查，咨询{phone}",
        "{school}常年开设{cert}、{cert2}培训班，小班教学，考试合格取证，{claim}",
        "{school}{cert}速成培训，随到随学，理论实操考试合格发证，{claim}",
    ),
    "job": (
        "招聘{cert}持证人员{n}名，要求证书在有效期内且官网可查，月薪{salary}元，电话{phone}",
        "{company}急招电工，须持有效{cert}，证书需官网可查，待遇面议",
        "{company}加急招{cert}持证工人，证书需{claim}，工资日结，电话{phone}",
    ),
    "question": (
        "请问{cert}到期了怎么复审？在哪里可以查询真伪？",
        "{cert}真伪请登录{official}查询，不要相信“{sales}”的广告",
        "{sales}的{cert}能用吗？被查到怎么处罚？",
    ),
}
TEST = {
    "selling": (
        "出售{cert}，{claim}，{sales}，微信同号{phone}",
        "{cert}加急办理，{delivery}，{claim}，诚信经营，{contact}",
        "你还在为考{cert}发愁吗？{sales}，{sales2}，{claim}",
        "承接{cert}业务 {sales2} {claim} 联系{contact}",
        "{city}{cert}{sales}拿证，{claim}，先办后付",
        # Rephrased: none of the listed phrases verbatim.
        "需要{cert}的联系我，不用参加考试，保证真实有效，{contact}",
        "{cert}直接拿，人不用来，网上能查到，{contact}",
    ),
    "notice": (
        "{city}住建局郑重提醒：不要相信网上“{sales}”“{claim}”的办证信息，以免上当受骗",
        "网上声称{sales}就能拿{cert}的都是诈骗，真伪请到{official}核实",
        # No quotation marks, a rhetorical question.
        "{sales}就能拿{cert}？别信！{claim}的说法都是骗人的",
    ),
    "news": (
        "{city}开展打击假证专项行动，查处宣称“{sales}、{claim}”的违法广告{n}条",
        "法院判决：被告人通过网络发布“{sales}”广告出售假{cert}，获刑{m}年",
        "{city}一男子花{price}元买了{sales}{claim}的{cert}，上岗检查时被识破",
    ),
    "school": (
        "{school}{month}月{cert}考前培训报名中，考试合格后可在{official}查询",
        "正规考证：{cert}需参加培训并通过理论和实操考试，{claim}，欢迎咨询{phone}",
        "{cert}速成班火热招生，包教包会，考试合格后发证，{claim}",
    ),
    "job": (
        "{company}诚聘{cert}持证人员，证件需在{official}可查，五险一金",
        "{company}加急招聘{cert}持证电工{n}名，证书全国联网可查者优先",
    ),
    "question": (
        "{cert}在网上说{sales}的能信吗？怎么辨别真假？",
        "有人说{cert}可以{sales}，这是真的吗？",
    ),
}
CLEAN = ("notice", "news", "school", "job", "question")


@dataclass(frozen=True)
class Sample:
    text: str
    selling: bool
    kind: str  # the template family's category: selling, notice, news, ...
    evasion: str  # the evasion planted ("" for none)


def generate(*, family: str, count: int, seed: int, keywords: KeywordList) -> list[Sample]:
    """``count`` samples, half selling and half clean, from the ``train`` or ``test`` family."""
    templates = {"train": TRAIN, "test": TEST}[family]
    rng = random.Random(f"{family}:{seed}")
    sales = [p for p in keywords.phrases("sales") if p not in DELIVERY and p not in CLAIMS]
    sales = sales or ["不用考试"]
    samples = []
    for index in range(count):
        kind = "selling" if index % 2 == 0 else rng.choice(CLEAN)
        text = _fill(rng.choice(templates[kind]), rng, sales)
        evasion = ""
        if kind == "selling" and rng.random() < 0.6:
            evasion = rng.choice(SELLER_EVASIONS)
        elif kind != "selling" and rng.random() < 0.25:
            evasion = rng.choice(HARMLESS)
        if evasion:
            text = EVASIONS[evasion](text, rng)
        samples.append(Sample(text=text, selling=kind == "selling", kind=kind, evasion=evasion))
    return samples


def _fill(template: str, rng: random.Random, sales: list[str]) -> str:
    first, second = rng.sample(sales, 2) if len(sales) > 1 else (sales[0], sales[0])
    cert, cert2 = rng.sample(CERTS, 2)
    return template.format(
        cert=cert, cert2=cert2, sales=first, sales2=second, claim=rng.choice(CLAIMS),
        delivery=rng.choice(DELIVERY), contact=_contact(rng), price=rng.randrange(3, 30) * 100,
        city=rng.choice(CITIES), official=rng.choice(OFFICIAL), school=rng.choice(SCHOOLS),
        company=rng.choice(COMPANIES), phone=_phone(rng), n=rng.randrange(2, 80),
        m=rng.randrange(1, 12), month=rng.randrange(1, 13), salary=rng.randrange(5, 15) * 1000)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _contact(rng: random.Random) -> str:
    handle = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(5)) + str(
        rng.randrange(100, 9999))
    return rng.choice((f"加微信{handle}", f"vx：{handle}", f"电话{_phone(rng)}",
                       f"加V {handle}", f"QQ{rng.randrange(10**5, 10**10)}", f"微信 {handle}"))


# -- evasions ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _traditional(text: str, rng: random.Random) -> str:
    return _s2t().convert(text)


def _fullwidth(text: str, rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _separators(text: str, rng: random.Random) -> str:
    mark = rng.choice((" ", ".", "*", "-", "/", "|", "_", " . "))
    return "".join(c + mark if "\u4e00" <= c <= "\u9fff" and rng.random() < 0.7 else c
                   for c in text)


def _homophones(text: str, rng: random.Random) -> str:
    return "".join(rng.choice(HOMOPHONES[c]) if c in HOMOPHONES and rng.random() < 0.6 else c
                   for c in text)


def _pinyin(text: str, rng: random.Random) -> str:
    out = text
    for word, initials in (("办证", True), ("考试", False), ("可查", False), ("微信", True),
                           ("包过", False), ("免考", False)):
        if word in out:
            style = Style.FIRST_LETTER if initials and rng.random() < 0.5 else Style.NORMAL
            out = out.replace(word, " " + "".join(lazy_pinyin(word, style=style)) + " ", 1)
    return out


def _emoji(text: str, rng: random.Random) -> str:
    marks = ("🔥", "✅", "💯", "👉", "⭐", "📞", "🉑", "❤")
    return "".join(c + rng.choice(marks) if "\u4e00" <= c <= "\u9fff" and rng.random() < 0.3
                   else c for c in text)


def _mixed(text: str, rng: random.Random) -> str:
    for evasion in rng.sample(SELLER_EVASIONS[:-1], 2):
        text = EVASIONS[evasion](text, rng)
    return text


EVASIONS = {"traditional": _traditional, "fullwidth": _fullwidth, "separators": _separators,
            "homophones": _homophones, "pinyin": _pinyin, "emoji": _emoji, "mixed": _mixed}
# Legitimate posters use these too (Hong Kong and Taiwan text, full-width input, emoji).
HARMLESS = ("traditional", "fullwidth", "emoji")
SELLER_EVASIONS = ("traditional", "fullwidth", "separators", "homophones", "pinyin", "emoji",
                   "mixed")


def iter_texts(*, count: int, seed: int, keywords: KeywordList) -> Iterator[str]:
    """Texts only (for the benchmark), test family."""
    for sample in generate(family="test", count=count, seed=seed, keywords=keywords):
        yield sample.text
