from __future__ import annotations

from django import forms
from django.utils import timezone

from certguard.clues.reference import RULE_NAMES

PARAM_FIELDS = {
    "retirement_age_male": ("男性退休年龄（R11）", 60),
    "retirement_age_female": ("女性退休年龄（R11）", 50),
    "exam_validity_months": ("考试合格有效月数（R13）", 12),
    "min_exam_minutes": ("最短合理考试分钟数（R15）", 20),
    "outlier_z": ("通过率异常阈值 z（R16）", 3),
    "outlier_min_sittings": ("考点最少考试人次（R16）", 30),
}


class RunForm(forms.Form):
    title = forms.CharField(label="名称", max_length=200, required=False,
                            help_text="如：2024年9月全省特种作业人员比对")
    use_registry = forms.BooleanField(label="证书数据使用平台证书库（不上传证书文件）",
                                      required=False)
    certificates = forms.FileField(label="证书数据", required=False,
                                   help_text="CSV、CSV.GZ 或 Parquet，列名见数据交换格式")
    roster = forms.FileField(label="从业人员花名册", required=False)
    training = forms.FileField(label="培训记录", required=False)
    exams = forms.FileField(label="考试记录", required=False)
    as_of = forms.DateField(label="筛查基准日", help_text="YYYY-MM-DD",
                            widget=forms.DateInput(format="%Y-%m-%d",
                                                     attrs={"type": "date"}))
    rules = forms.MultipleChoiceField(
        label="规则（不选 = 全部）", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(code, f"{code} {name}") for code, name in RULE_NAMES.items()])
    on_bad_rows = forms.ChoiceField(
        label="有错误的数据行", initial="error", required=False,
        choices=[("error", "停止筛查并指出错误所在（默认）"),
                 ("report", "跳过错误行继续筛查，并列出被跳过的行")])
    min_training_hours = forms.CharField(
        label="最低培训学时（R12，覆盖目录值）", required=False,
        help_text="格式 项目:学时，多个用逗号分隔，如 1.2:40,2.1:48")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        for name, (label, default) in PARAM_FIELDS.items():
            self.fields[name] = forms.DecimalField(label=label, required=False,
                                                   help_text=f"默认 {default}")

    def params(self) -> dict[str, str]:
        data = self.cleaned_data
        values = {name: data.get(name) for name in PARAM_FIELDS}
        params = {k: f"{v.normalize():f}" for k, v in values.items() if v is not None}
        if data.get("min_training_hours"):
            params["min_training_hours"] = data["min_training_hours"].strip()
        return params

    def uploads(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("certificates", "roster", "training",
                                                      "exams")}
