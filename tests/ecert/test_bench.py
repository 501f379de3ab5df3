import argparse

from certguard.bench import ecert


def test_bench_reports_rates_baselines_and_ratios() -> None:
    parser = argparse.ArgumentParser()
    ecert.add_arguments(parser)
    options = vars(parser.parse_args(["--seconds", "0.02", "--rounds", "1", "--cpu", "-1"]))
    report = ecert.run(options)
    assert report["cpu"] is None  # -1: the test process is not pinned
    by_alg = {r["alg"]: r for r in report["results"]}
    assert set(by_alg) == {"Ed25519", "ES256", "PS256", "SM2"}
    for row in by_alg.values():
        assert row["full_per_s"]["best"] > 0
        assert all(v > 0 for v in row["ratio_full_to_baseline"].values())
    assert by_alg["SM2"]["target_per_s"] == 1000
