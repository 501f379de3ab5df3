"""The legal basis of cases and decisions becomes a link to the penalty catalogue
(``catalog.PenaltyArticle``), and a decision's enforcement reference a link to enforcement's
penalty decision.

Existing rows are mapped, never dropped: an old key that names a catalogue article (the keys
of the cases app's former list, or a catalogue code itself) becomes a link to the version in
force on the case's opening day (on the decision's day for a decision); an old reference to
an enforcement penalty decision that exists (its number, "12" or "#12") becomes a link. What
does not match stays in ``legacy_ref`` / ``legacy_basis`` / ``legacy_enforcement_ref``, shown
on the case page and in the API as "unmatched" until an officer picks the article or penalty
(``basis_set``, ``decision_fix``). Every mapped row is written to the audit log."""

import re

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

# The cases app's former keys → catalogue codes (frozen here: the migration must not change
# when the app's reference data does).
OLD_KEYS = {"aqscf_97_7": "AQSCF-97-7", "order30_40": "L30-40",
            "order30_41_forge": "L30-41-F", "order30_41_lend": "L30-41-L"}
PENALTY_REF = re.compile(r"^\s*#?\s*(\d{1,12})\s*$")


def _article(Article, key, day):
    code = OLD_KEYS.get(str(key).strip(), str(key).strip())
    versions = Article.objects.filter(code=code)
    in_force = versions.filter(Q(effective_from__lte=day),
                               Q(effective_to__isnull=True) | Q(effective_to__gt=day))
    return (in_force.order_by("-version").first()
            or versions.order_by("-version").first())


def forward(apps, schema_editor):
    from django.utils import timezone

    Case = apps.get_model("cases", "Case")
    CaseBasis = apps.get_model("cases", "CaseBasis")
    Decision = apps.get_model("cases", "CaseDecision")
    Article = apps.get_model("catalog", "PenaltyArticle")
    Penalty = apps.get_model("enforcement", "PenaltyDecision")
    bases, decisions = [], []
    for case in Case.objects.order_by("pk").iterator():
        day = timezone.localdate(case.opened_at)
        for key in dict.fromkeys(str(k) for k in case.basis_keys or () if str(k).strip()):
            article = _article(Article, key, day)
            row = CaseBasis.objects.create(case=case, article=article,
                                           legacy_ref="" if article else key[:100])
            bases.append({"id": row.pk, "before": None, "after": {
                "case": case.pk, "old_key": key,
                "article": f"{article.code} v{article.version}" if article else None,
                "legacy_ref": row.legacy_ref}})
    for decision in Decision.objects.order_by("pk").iterator():
        before = {"legacy_basis": decision.legacy_basis,
                  "legacy_enforcement_ref": decision.legacy_enforcement_ref}
        changed = []
        if decision.legacy_basis:
            article = _article(Article, decision.legacy_basis,
                               timezone.localdate(decision.decided_at))
            if article is not None:
                decision.article, decision.legacy_basis = article, ""
                changed += ["article", "legacy_basis"]
        match = PENALTY_REF.match(decision.legacy_enforcement_ref or "")
        if match and Penalty.objects.filter(pk=int(match.group(1))).exists():
            decision.penalty_id, decision.legacy_enforcement_ref = int(match.group(1)), ""
            changed += ["penalty", "legacy_enforcement_ref"]
        if changed:
            decision.save(update_fields=changed)
            decisions.append({"id": decision.pk, "before": before, "after": {
                "article": decision.article_id, "legacy_basis": decision.legacy_basis,
                "penalty": decision.penalty_id,
                "legacy_enforcement_ref": decision.legacy_enforcement_ref}})
    if bases or decisions:
        from certguard.core.audit import audit_bulk

        if bases:
            audit_bulk(object_type="cases.casebasis", action="create", changes=bases,
                       summary="迁移：案件法律依据改为引用处罚条款目录（未能对应的原样保留待核对）")
        if decisions:
            audit_bulk(object_type="cases.casedecision", action="update", changes=decisions,
                       summary="迁移：处理决定的法律依据、执法处罚决定改为关联")


def backward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseBasis = apps.get_model("cases", "CaseBasis")
    Decision = apps.get_model("cases", "CaseDecision")
    old = {code: key for key, code in OLD_KEYS.items()}
    for case in Case.objects.order_by("pk").iterator():
        keys = [old.get(b.article.code, b.article.code) if b.article_id else b.legacy_ref
                for b in CaseBasis.objects.filter(case=case).select_related("article")
                .order_by("pk")]
        if keys:
            case.basis_keys = keys
            case.save(update_fields=["basis_keys"])
    for decision in Decision.objects.select_related("article").order_by("pk").iterator():
        fields = []
        if decision.article_id and not decision.legacy_basis:
            decision.legacy_basis = old.get(decision.article.code, decision.article.code)
            fields.append("legacy_basis")
        if decision.penalty_id and not decision.legacy_enforcement_ref:
            decision.legacy_enforcement_ref = str(decision.penalty_id)
            fields.append("legacy_enforcement_ref")
        if fields:
            decision.save(update_fields=fields)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_listing_conditions"),
        ("catalog", "0003_enforcement_penalties"),
        ("enforcement", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseBasis",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("legacy_ref", models.CharField(blank=True, max_length=100,
                                                verbose_name="未能对应目录的原法律依据（待人工核对）")),
                ("article", models.ForeignKey(blank=True, null=True,
                                              on_delete=django.db.models.deletion.PROTECT,
                                              related_name="+", to="catalog.penaltyarticle",
                                              verbose_name="处罚条款")),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="bases", to="cases.case")),
            ],
            options={
                "verbose_name": "案件法律依据",
                "verbose_name_plural": "案件法律依据",
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(fields=("case", "article"),
                                            name="case_cites_article_once"),
                    models.CheckConstraint(
                        condition=models.Q(("article__isnull", False),
                                           models.Q(("legacy_ref", ""), _negated=True),
                                           _connector="OR"),
                        name="case_basis_article_or_legacy"),
                ],
            },
        ),
        migrations.RenameField(model_name="casedecision", old_name="basis_key",
                               new_name="legacy_basis"),
        migrations.AlterField(
            model_name="casedecision", name="legacy_basis",
            field=models.CharField(blank=True, max_length=40,
                                   verbose_name="未能对应目录的原法律依据（待人工核对）"),
        ),
        migrations.RenameField(model_name="casedecision", old_name="enforcement_ref",
                               new_name="legacy_enforcement_ref"),
        migrations.AlterField(
            model_name="casedecision", name="legacy_enforcement_ref",
            field=models.CharField(blank=True, max_length=100,
                                   verbose_name="未能关联的原处罚决定编号（待人工核对）"),
        ),
        migrations.AddField(
            model_name="casedecision", name="article",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="catalog.penaltyarticle",
                                    verbose_name="法律依据（处罚条款）"),
        ),
        migrations.AddField(
            model_name="casedecision", name="penalty",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="enforcement.penaltydecision",
                                    verbose_name="执法系统处罚决定"),
        ),
        migrations.AlterField(
            model_name="caseevidence", name="kind",
            field=models.CharField(choices=[
                ("clue", "线索证据"), ("finding", "检查发现的问题"),
                ("inspection_record", "现场检查记录"), ("photo", "现场照片"),
                ("screening_run", "筛查批次"), ("page_capture", "网页取证"), ("tip", "举报材料"),
                ("penalty", "执法处罚决定"), ("document", "其他书证")],
                max_length=20, verbose_name="证据类别"),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="case", name="basis_keys"),
    ]
