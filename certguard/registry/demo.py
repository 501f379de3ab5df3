"""Certificates for the demo world: the workers of each demo enterprise, with a realistic mix
of valid, review-overdue, expired, revoked and cancelled certificates. Deterministic."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from certguard import ids
from certguard.catalog.models import Family
from certguard.core.audit import audit_record
from certguard.orgs.models import Organisation
from certguard.registry.lifecycle import add_months, period_end
from certguard.registry.models import Certificate, CertificateEvent, Holder

SURNAMES = (  # name lists read best unbroken
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
)
SECTOR_ITEMS = {
    "coal_mine": [("special_ops", c) for c in ("5.1", "5.2", "5.4", "5.5", "5.6", "5.7")],
    "non_coal_mine": [("special_ops", c) for c in ("6.1", "6.2", "6.4", "6.5", "6.7")],
    "metallurgy": [("special_ops", c) for c in ("8.1", "2.1", "1.2", "3.2")],
    "hazardous_chemicals": [("special_ops", c) for c in ("9.3", "9.5", "9.8", "9.16", "1.2")],
    "construction": [("construction", c) for c in ("01", "02", "04", "05", "08", "11")],
    "fireworks": [("special_ops", c) for c in ("10.1", "10.4", "10.5")],
    "other": [("special_ops", c) for c in ("1.1", "1.2", "2.1", "3.1", "4.1")],
}
EXTRA_ITEMS = [("special_equipment", "N1"), ("special_equipment", "Q2"),
               ("safety_manager", "M2")]
ISSUER_BY_FAMILY = {"special_ops": "140000-YJ", "safety_manager": "140000-YJ",
                    "construction": "140000-ZJ", "special_equipment": "140000-SJ"}
TODAY = date(2026, 11, 1)  # the demo world's "now": fixed so the mix of states is stable


def _person(rng: random.Random, region: str, used: set[str]) -> tuple[str, str]:
    while True:
        birth = date(rng.randint(1968, 2002), rng.randint(1, 12), rng.randint(1, 28))
        id_no = ids.make_id_no(region, birth, rng.randint(1, 999))
        if id_no not in used:
            used.add(id_no)
            given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            return id_no, rng.choice(SURNAMES) + given


def _cert_no(family: str, code: str, id_no: str, issued: date, serial: int) -> str:
    if family == "special_ops":
        return "T" + id_no
    if family == "construction":  # 晋 + city letter + trade + year + serial (legacy format)
        return f"晋E{code}{issued.year}{serial:06d}"
    if family == "special_equipment":
        return f"TS{code}140000{serial:08d}"
    return f"AQ140000{issued.year}{serial:06d}"


def _dates(rng: random.Random, family: Family) -> dict:
    issued = TODAY - timedelta(days=rng.randint(30, 365 * 9))
    start = issued
    while period_end(start, family.validity_months) < TODAY and rng.random() < 0.8:
        start = period_end(start, family.validity_months) + timedelta(days=1)  # renewed
    until = period_end(start, family.validity_months)
    due = review = None
    if family.review_cycle_months:
        due = add_months(start, family.review_cycle_months)
        if due < TODAY and rng.random() < 0.85:  # most go to their review in time
            review, due = due - timedelta(days=rng.randint(1, 50)), None
    return {"first_issued": issued, "valid_from": start, "valid_until": until,
            "review_due": due, "last_review": review}


@transaction.atomic
def demo_certificates_build(*, seed: int = 2024) -> int:
    """Create the demo certificates once; returns how many exist."""
    if Certificate.objects.exists():
        return Certificate.objects.count()
    rng = random.Random(seed)
    families = {f.key: f for f in Family.objects.all()}
    issuers = {o.issuer_code: o for o in Organisation.objects.exclude(issuer_code="")}
    used: set[str] = set()
    holders, certs = [], []
    serial = 0
    for enterprise in Organisation.objects.filter(kind="enterprise").order_by("pk"):
        for _ in range(rng.randint(3, 12)):
            id_no, name = _person(rng, enterprise.region_id, used)
            check = ids.check_id_no(id_no)
            holders.append(Holder(id_no=id_no, name=name, sex=check.sex,
                                  birth_date=check.birth_date))
            family, code = rng.choice(SECTOR_ITEMS[enterprise.sector])
            if rng.random() < 0.08:
                family, code = rng.choice(EXTRA_ITEMS)
            serial += 1
            fields = _dates(rng, families[family])
            status, reason = "valid", ""
            roll = rng.random()
            if roll < 0.02:
                status, reason = "revoked", "以欺骗、贿赂等不正当手段取得特种作业操作证"
            elif roll < 0.03:
                status, reason = "cancelled", "特种作业人员提出注销申请"
            certs.append(Certificate(
                cert_no=_cert_no(family, code, id_no, fields["first_issued"], serial),
                family_id=family, item_code=code, issuer=issuers.get(ISSUER_BY_FAMILY[family]),
                issuer_code=ISSUER_BY_FAMILY[family], status=status, status_reason=reason,
                source="demo", **fields))
    Holder.objects.bulk_create(holders, batch_size=1000)
    by_id = dict(Holder.objects.values_list("id_no", "pk"))
    for cert, holder in zip(certs, holders, strict=True):
        cert.holder_id = by_id[holder.id_no]
        cert.id_no, cert.name = holder.id_no, holder.name
    Certificate.objects.bulk_create(certs, batch_size=1000)
    CertificateEvent.objects.bulk_create(
        [CertificateEvent(certificate_id=pk, kind="import", on=TODAY, reason="演示数据")
         for pk in Certificate.objects.values_list("pk", flat=True)], batch_size=2000)
    audit_record(action="create", object_type="registry.certificate", object_id="demo",
                 summary=f"载入演示证书 {len(certs)} 张")
    return len(certs)
