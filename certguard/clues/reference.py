"""Labels of the clue inbox: rule names, severities, subjects, evidence keys (Chinese UI)."""

from __future__ import annotations

from certguard.rules.titles import rule_titles

# Titles and severities of the screening rules come from the rules package (one source).
RULE_NAMES: dict[str, str] = rule_titles()
# --- network governance and tip-offs write clues too ---
RULE_NAMES.update({"NW1": "疑似仿冒证书查询网站", "NW2": "疑似售卖证书的广告",
                   "TIP": "群众举报"})

SEVERITIES = {"high": "高", "medium": "中", "low": "低"}
SEVERITY_RANK = {"high": 1, "medium": 2, "low": 3}

SUBJECTS = {
    "certificate": "证书", "worker": "从业人员", "employer": "用人单位",
    "institution": "培训机构", "exam_center": "考试机构",
    # --- network governance and tip-offs ---
    "website": "网站", "ad": "广告", "seller": "售假者",
}

# Evidence keys the rules write, as an analyst reads them.
EVIDENCE_LABELS: dict[str, str] = {
    "declared_cert_no": "申报的证书编号",
    "registry_cert_no": "证书库中的证书编号",
    "declared_name": "申报姓名",
    "registry_name": "证书库中的姓名",
    "declared_id_no": "申报的身份证号",
    "registry_id_no": "证书库中的身份证号",
    "holder_id_no": "证书持证人身份证号",
    "holder_name": "证书持证人姓名",
    "employer_code": "用人单位代码",
    "cert_no": "证书编号",
    "id_no": "身份证号",
    "name": "姓名",
    "reason": "原因",
    "periods": "各单位申报的在岗期间",
    "valid_until": "有效期至",
    "as_of": "筛查基准日",
    "review_due": "应复审日期",
    "last_review": "最近复审日期",
    "status": "证书状态",
    "required_item_code": "岗位要求的操作项目",
    "birth_date": "出生日期",
    "first_issued": "初次领证日期",
    "valid_from": "有效期起",
    "age_at_first_issued": "初次领证时年龄",
    "age_at_valid_from": "有效期起始时年龄",
    "class_id": "培训班",
    "item_code": "操作项目",
    "hours": "培训学时",
    "min_hours": "最低学时",
    "training_end": "培训结束日期",
    "class_a": "培训班甲",
    "class_b": "培训班乙",
    "exam_date": "考试日期",
    "minutes": "考试用时（分钟）",
    "seconds": "考试用时（秒）",
    "min_exam_minutes": "最短合理用时（分钟）",
    "sittings": "考试人次",
    "pass_rate": "通过率",
    "others_mean": "其他考点平均通过率",
    "others_sd": "其他考点通过率标准差",
    "others": "参与比较的考点数",
    "variants": "各来源的记录",
}

REASON_LABELS = {
    "issued_before_training_end": "发证早于培训结束",
    "no_passed_exam": "发证前无合格考试记录",
    "id_length": "长度错误",
    "id_check_char": "校验位错误",
    "id_region": "地址码无效",
    "id_birth_date": "出生日期不存在",
    "id_chars": "含有非法字符",
    "id_empty": "为空",
    "id_lost_digits": "疑似被表格软件截断",
}

STATUS_CHOICES = [("new", "待处理"), ("assigned", "已分派"), ("confirmed", "已确认"),
                  ("dismissed", "已排除")]
SOURCE_CHOICES = [("screening", "交叉比对筛查"), ("selfcheck", "企业自查"), ("tip", "举报"),
                  ("netwatch", "网络监测"), ("inspection", "执法检查"),
                  ("institution", "机构自查")]  # --- institutions ---
EVENT_CHOICES = [("assign", "分派"), ("confirm", "确认"), ("dismiss", "排除"),
                 ("reopen", "重新打开"), ("note", "备注")]
