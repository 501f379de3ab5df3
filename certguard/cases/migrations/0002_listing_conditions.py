"""The national listing conditions (应急管理部令第11号) and the seeds' local rule, version 1."""

from datetime import date

from django.db import migrations

CONDITIONS = [
    ("", "mem11_illegal_operation",
     "未依法取得安全生产相关许可或者许可被暂扣、吊销期间从事相关生产经营活动",
     "organisation", "应急管理部令第11号第三条", "2023-10-01"),
    ("", "mem11_refuse_inspection", "拒不执行安全监管监察指令、抗拒执法检查，情节严重",
     "organisation", "应急管理部令第11号第三条", "2023-10-01"),
    ("", "mem11_fake_qualification", "以欺骗、贿赂等不正当手段取得安全生产相关许可或资格",
     "both", "应急管理部令第11号第三条", "2023-10-01"),
    ("140000", "local_tolerate_fake_certs",
     "对特种作业人员持证情况不查验，默许、纵容无证上岗或持假证上岗",
     "organisation", "种子文件000（专项整治方案）：列入企业失信名单，联合惩戒", "2020-01-01"),
    ("140000", "local_personal_forged_cert",
     "特种作业人员伪造、涂改、转借、转让、冒用或使用伪造的特种作业操作证",
     "individual", "种子文件000：纳入个人信用体系记录", "2020-01-01"),
]


def load(apps, schema_editor):
    Condition = apps.get_model("cases", "ListingCondition")
    for jurisdiction, code, title, subject, source, start in CONDITIONS:
        Condition.objects.get_or_create(
            jurisdiction=jurisdiction, code=code, version=1,
            defaults={"title": title, "subject": subject, "source": source,
                      "effective_from": date.fromisoformat(start)})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
