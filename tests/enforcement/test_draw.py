"""The verifiable draw: commit, reveal, publish; deterministic; proportions, recusal, teams of
two, cross-county; verification by anyone from the published files; the CLI."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certguard.core.errors import AppError
from certguard.core.models import AuditEntry
from certguard.enforcement import draw as algorithm
from certguard.enforcement import services
from certguard.enforcement.models import Draw, Task
from tests.enforcement.records import SEED, published_draw, team

pytestmark = pytest.mark.django_db


def _units(n):
    tiers = "ABCD"
    return algorithm.units_text((i, "enterprise", "coal_mine", tiers[i % 4],
                                 "140521" if i % 2 else "140522") for i in range(1, n + 1))


def _inspectors(n, recused=None):
    recused = recused or {}
    return algorithm.inspectors_text(
        (i, 1, "140521" if i % 2 else "140522", "yj", recused.get(i, set()))
        for i in range(1, n + 1))


PROPORTIONS = [{"sector": "", "risk_tier": "A", "percent": 30},
               {"sector": "", "risk_tier": "B", "percent": 10},
               {"sector": "", "risk_tier": "C", "percent": 2}]


def test_selection_is_deterministic_and_follows_proportions():
    units, inspectors = _units(4000), _inspectors(40)
    one = algorithm.select(seed="s", units=units, inspectors=inspectors, proportions=PROPORTIONS)
    two = algorithm.select(seed="s", units=units, inspectors=inspectors, proportions=PROPORTIONS)
    other = algorithm.select(seed="t", units=units, inspectors=inspectors,
                             proportions=PROPORTIONS)
    assert one.as_json() == two.as_json() and one.digest != other.digest
    tiers = {i: "ABCD"[i % 4] for i in range(1, 4001)}
    counts = {t: sum(1 for u, _ in one.targets if tiers[u] == t) for t in "ABCD"}
    assert counts == {"A": 300, "B": 100, "C": 20, "D": 0}


def test_teams_of_two_from_the_units_county_never_recused():
    units = _units(200)
    recused = {1: set(range(1, 201)), 3: {5, 7, 9}}
    outcome = algorithm.select(seed="x", units=units, inspectors=_inspectors(10, recused),
                               proportions=[{"risk_tier": t, "percent": 100} for t in "ABCD"])
    regions = {i: "140521" if i % 2 else "140522" for i in range(1, 11)}
    for unit, team_ in outcome.targets:
        assert len(team_) == 2 and len(set(team_)) == 2
        assert 1 not in team_
        assert not (3 in team_ and unit in {5, 7, 9})
        unit_region = "140521" if unit % 2 else "140522"
        assert all(regions[i] == unit_region for i in team_)


def test_cross_county_takes_inspectors_of_another_county():
    outcome = algorithm.select(seed="x", units=_units(50), inspectors=_inspectors(10),
                               proportions=[{"risk_tier": t, "percent": 100} for t in "ABCD"],
                               cross_county=True)
    for unit, team_ in outcome.targets:
        unit_region = "140521" if unit % 2 else "140522"
        assert all(("140521" if i % 2 else "140522") != unit_region for i in team_)


def test_commit_reveal_publish_and_verify(world):
    t = team(world)
    draw = published_draw(t)
    assert draw.status == "published" and draw.result_hash
    unit_ids = [u for u, _ in draw.result["targets"]]
    assert world.cast.enterprise_x.pk in unit_ids  # tier A at 100 %
    assert Task.objects.filter(draw=draw, source="draw").exists()
    assert services.draw_verify(draw_id=draw.pk).ok
    summaries = list(AuditEntry.objects.filter(object_type="enforcement.draw").values_list(
        "summary", flat=True))
    assert any("公布双随机抽取结果" in s for s in summaries)
    assert any("抽取承诺" in s for s in summaries)


def test_wrong_seed_is_refused_and_nothing_drawn(world):
    t = team(world)
    draw = services.draw_commit(by=t.head, plan_id=t.plan.pk,
                                commitment=hashlib.sha256(SEED.encode()).hexdigest(),
                                seed_source="开奖号码")
    with pytest.raises(AppError) as err:
        services.draw_reveal(by=t.head, draw_id=draw.pk, seed="另一个种子")
    assert err.value.code == "seed_mismatch" and "承诺" in err.value.message
    draw.refresh_from_db()
    assert draw.status == "committed" and not draw.seed and not Task.objects.exists()


def test_tampered_publication_is_named(world, tmp_path):
    t = team(world)
    draw = published_draw(t)
    manifest = services.manifest(draw)
    units, inspectors = services.registers_of(draw)
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    (tmp_path / "inspectors.csv").write_text(inspectors, encoding="utf-8")
    call_command("enforcement", "draw-verify", "--files", str(tmp_path))
    lines = units.splitlines()
    (tmp_path / "units.csv").write_text("\n".join(lines[:1] + lines[2:]) + "\n",
                                        encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("enforcement", "draw-verify", "--files", str(tmp_path))
    assert err.value.returncode == 1
    check = algorithm.verify(manifest=manifest, units="\n".join(lines[:1] + lines[2:]) + "\n",
                             inspectors=inspectors)
    assert "检查对象名录库的哈希与公布值不符" in check.differences


def test_cli_verifies_every_published_draw(world, capsys):
    t = team(world)
    draw = published_draw(t)
    call_command("enforcement", "draw-verify", str(draw.pk))
    call_command("enforcement", "draw-verify", "--all")
    out = capsys.readouterr().out
    assert out.count("一致") >= 2
    Draw.objects.filter(pk=draw.pk).update(result_hash="0" * 64)
    with pytest.raises(CommandError):
        call_command("enforcement", "draw-verify", "--all")


def test_public_page_and_files(world, client):
    t = team(world)
    draw = published_draw(t)
    page = client.get(f"/enforcement/public/draws/{draw.pk}/").content.decode()
    assert draw.units_hash in page and draw.seed in page
    manifest = client.get(f"/enforcement/public/draws/{draw.pk}/manifest.json")
    assert b"".join(manifest.streaming_content) and manifest.status_code == 200
    answer = client.get(f"/api/v1/enforcement/public/draws/{draw.pk}").json()
    assert answer["verification"]["ok"] is True
