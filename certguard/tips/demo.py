"""Demo tip-offs in every state, with their receipts (printed by ``certguard demo``): waiting
for the demo inspector, accepted with a question, a duplicate, refused, overdue for the head,
and one handled with a reward claimed, approved and paid. Safe to re-run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from certguard.tips import intake, services
from certguard.tips.models import Tip, TipClock

PLACE = "140521"  # 沁水县, where the demo inspector works


def _tip(subject: str, text: str, **extra) -> tuple[Tip, str]:
    values: dict[str, Any] = dict(subject_kind="fake_certificate", subject_name=subject,
                                  family="special_ops", place=PLACE, description=text)
    values.update(extra)
    return intake.tip_submit(data=intake.TipInput(**values), source="demo")


@transaction.atomic
def demo_tips_build(*, inspector, head) -> list[tuple[str, str]]:
    """(state, receipt) for each demo report; ``inspector`` and ``head`` of 沁水县应急管理局."""
    if Tip.objects.exists():
        return []
    made = []
    waiting, receipt = _tip("沁水县某煤业的电工刘某", "刘某的特种作业操作证在官网查不到，"
                            "听说是在网上花800元买的，现在还在井下作业。")
    made.append(("待受理", receipt))
    _, receipt = _tip("沁水县某建材厂", "该厂焊工都没有证，老板说有人能办“免考证”。",
                      subject_kind="employer", anonymous=False, insider=True, name="赵师傅",
                      contact="13700001234")
    made.append(("待受理（本单位职工实名）", receipt))
    asked, receipt = _tip("网上卖证的“安全培训王老师”", "微信朋友圈发广告：电工证不用考试，"
                          "官网可查，2000元包拿证。", subject_kind="seller", family="")
    made.append(("待受理（市场监管）", receipt))
    first, receipt = _tip("沁水县某化工厂叉车司机", "叉车司机的证是假的，编号查不到。",
                          subject_code="T140521199001011234")
    services.tip_accept(by=inspector, pk=first.pk)
    services.tip_ask(by=inspector, pk=first.pk, text="请问该司机平时在哪个车间上班？")
    made.append(("已受理，有待答复的问题", receipt))
    duplicate, receipt = _tip("沁水县某化工厂叉车司机", "同一个厂，叉车工的证是买的。",
                              subject_code="T140521199001011234")
    services.tip_refuse(by=inspector, pk=duplicate.pk, reason="duplicate",
                        duplicate_of=first.pk)
    made.append(("重复举报，已并入首次举报", receipt))
    unclear, receipt = _tip("不知道", "听说有人用假证。")
    services.tip_refuse(by=inspector, pk=unclear.pk, reason="unclear",
                        note="没有具体单位和人员，欢迎补充后重新举报")
    made.append(("不予受理", receipt))
    late, receipt = _tip("沁水县某机械厂", "机械厂的电焊工无证上岗已经半年。",
                         subject_kind="employer")
    services.tip_accept(by=inspector, pk=late.pk)
    TipClock.objects.filter(tip=late, kind="handle").update(
        started_at=timezone.now() - timedelta(days=75),
        due_at=timezone.now() - timedelta(days=15))
    made.append(("已受理，超过办理期限", receipt))
    rewarded, receipt = _tip("沁水县某煤矿瓦斯检查工", "瓦斯检查工孙某的证是伪造的。",
                             anonymous=False, name="钱先生", contact="13600005678")
    services.tip_accept(by=inspector, pk=rewarded.pk)
    services.penalty_record(by=inspector, pk=rewarded.pk, decision_no="沁应急罚〔2024〕12号",
                            final_on=timezone.localdate() - timedelta(days=3), fine="30000")
    services.tip_close(by=inspector, pk=rewarded.pk, result="经查属实，对该矿罚款3万元，"
                       "假证已收缴并移送公安机关。")
    rewarded.refresh_from_db()
    services.reward_claim(tip=rewarded, payee="钱先生 中国银行沁水支行 6217000000000000")
    services.reward_decide(by=head, pk=rewarded.pk, approve=True)
    services.reward_pay(by=head, pk=rewarded.pk, voucher_no="沁应急奖〔2024〕1号")
    made.append(("已办结，奖励已发放", receipt))
    del waiting, asked
    return made
