import argparse

from certguard.bench import netwatch


def test_bench_reports_both_runs_against_the_bare_read(tmp_path) -> None:
    parser = argparse.ArgumentParser()
    netwatch.add_arguments(parser)
    options = vars(parser.parse_args(["--domains", "3000", "--ads", "400", "--work-dir",
                                      str(tmp_path)]))
    report = netwatch.run(options)
    for part, lines in (("domains", 3000), ("ads", 400)):
        figures = report[part]
        assert figures["lines"] == lines
        assert figures["seconds"] > 0 and figures["baseline_read_seconds"] > 0
        assert figures["ratio_to_baseline"] > 0
    assert report["domains"]["verdicts"]["lookalike"] >= report["domains"]["planted_lookalikes"]
    assert set(report["ads"]["verdicts"]) == {"selling", "clean"}
    assert report["goals"] == {"domains_seconds": 60, "ads_seconds": 30}
    assert len(report["load_average"]) == 3
