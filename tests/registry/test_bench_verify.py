"""`certguard bench verify --existing-registry` at a tiny size: it measures the registry another
bench built in the same database and imports nothing (speed is read from real runs)."""

import io
import json

from django.core.management import call_command

from certguard.bench import _support as s


def test_bench_verify_measures_an_existing_registry(tmp_path):
    from certguard.synth.generate import generate

    env = s.scratch_env(tmp_path)
    s.certguard("migrate", "--noinput", env=env)
    data = generate(out_dir=tmp_path / "synth", certificates=2000, seed=3)
    report = json.loads(s.certguard("registry", "import", str(data.files["certificates"]),
                                    "--report", str(tmp_path / "rejected.csv"), env=env))
    out = io.StringIO()
    call_command("bench", "verify", "--workdir", str(tmp_path), "--existing-registry",
                 "--skip-http", "--skip-ecert", "--lookups", "200", stdout=out)
    result = json.loads(out.getvalue())
    assert result["registry"] == {"certificates": report["accepted"], "reused": True,
                                  "existing": True}
    assert result["in_process"]["registry_rows"] == report["accepted"]
    assert not (tmp_path / "registry-ready.json").exists()
