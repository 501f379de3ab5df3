"""Labels of network governance: sources, statuses, handover recipients (Chinese UI)."""

from __future__ import annotations

VERDICTS = {"official": "官方网址", "lookalike": "疑似仿冒", "unrelated": "无关",
            "selling": "售证广告", "clean": "正常"}
DOMAIN_SOURCES = {"feed": "推送清单", "paste": "粘贴", "tip": "举报", "watch": "监视清单",
                  "api": "接口"}
AD_SOURCES = {"paste": "粘贴", "file": "文件", "api": "接口", "tip": "举报"}
SUSPECT_STATUSES = {"new": "待处理", "captured": "已取证", "handed_over": "已移交",
                    "dismissed": "已排除"}
# 移交 to the bodies that take sites and ads down (seeds: 网信, 公安, 通信管理; 市场监管 for ads).
RECIPIENTS = {"wx": "网信部门", "txgl": "通信管理部门", "scjg": "市场监督管理部门",
              "ga": "公安机关"}
HANDOVER_STATUSES = {"handed_over": "移交", "disposed": "已处置", "reappeared": "复现"}
HANDOVER_EVENTS = {"create": "移交", "dispose": "已处置", "reappear": "复现",
                   "dark": "已无法访问", "back": "恢复访问"}
# Families whose official query host a look-alike imitates (for the clue's remit).
HOST_FAMILIES = {"cx.mem.gov.cn": "special_ops", "zlaq.mohurd.gov.cn": "construction",
                 "cnse.samr.gov.cn": "special_equipment", "cnse.e-cqs.cn": "special_equipment",
                 "www.chinasafety.gov.cn": "special_ops"}
# Clue rules written by network governance (clues.reference adds their titles).
RULE_SITE, RULE_AD = "NW1", "NW2"
