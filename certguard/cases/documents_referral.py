"""The 涉嫌犯罪案件移送书 with its attachment list (国务院令第310号第六条), as PDF."""

from __future__ import annotations

from django.utils import timezone

from certguard.cases import documents
from certguard.cases.models import Referral
from certguard.cases.reference import CRIMINAL_OFFENCES


def transfer_letter_pdf(referral: Referral) -> bytes:
    case = referral.case
    offences = "、".join(CRIMINAL_OFFENCES[o].basis for o in referral.offences
                        if o in CRIMINAL_OFFENCES)
    copied = referral.procuratorate_org.name if referral.procuratorate_org else "同级人民检察院"
    moment = timezone.localtime(referral.transferred_at or timezone.now())
    sections = [
        documents.Section("", [
            f"{referral.police_org.name}：",
            f"　　我单位在办理“{case.title}”（案号 {case.number}）过程中，发现该案涉嫌犯罪"
            f"（{offences}）。根据《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号），"
            "经本机关负责人批准，现将该案移送你单位，请依法审查，并在收到本移送书之日起3日内"
            "作出立案或者不予立案的决定，书面告知我单位。",
            f"　　涉嫌犯罪的事实与理由：{referral.reason}",
            f"　　抄送：{copied}"]),
        documents.Section("附件清单", []),
    ]
    table = [["序号", "材料名称", "份数"]] + [[str(i), name, ""] for i, name in
                                            enumerate(referral.attachments, start=1)]
    return documents.pdf(title="涉嫌犯罪案件移送书", number=referral.transfer_no,
                         sections=sections, sender=case.organisation.name,
                         date=f"{moment:%Y年%m月%d日}", table=table)
