"""Bad input gives a clear error naming file, line and column, or a reported row; never a
silent drop, and a failed run leaves no clue file behind."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from certguard.rules import InputError, ParamError, screen
from certguard.rules.engine import DuckDBEngine
from certguard.rules.screen import default_memory_limit
from certguard.synth.generate import generate
from tests.rules.conftest import AS_OF, ID_A, cert, read_clues, worker, write_csv


def _screen(tmp_path: Path, **inputs: Path) -> Path:
    out = tmp_path / "clues.csv"
    screen(inputs, out=out, as_of=AS_OF)
    return out


def test_missing_required_column_names_file_line_and_column(tmp_path: Path) -> None:
    row = cert()
    del row["valid_until"]
    path = write_csv(tmp_path / "certs.csv", [row])
    with pytest.raises(InputError) as caught:
        _screen(tmp_path, certificates=path)
    err = caught.value
    assert (err.code, err.file, err.line, err.column) == ("E_MISSING_COLUMN", str(path), 1,
                                                          "valid_until")
    assert "valid_until" in str(err) and "第1行" in str(err)
    assert not (tmp_path / "clues.csv").exists()


def test_broken_quoting_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roster.csv", [worker(), worker(cert_no="T9")])
    text = path.read_text(encoding="utf-8").splitlines()
    text.append(text[1].replace("某某机电有限公司", '"某某机电,有限公司'))  # unterminated quote
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _screen(tmp_path, roster=path)
    assert caught.value.code == "E_BAD_ROWS" and caught.value.line == 4
    assert [(b.line, b.code) for b in caught.value.bad_rows] == [(4, "E_CSV_QUOTE")]
    # skipping bad rows: the broken line is rejected on its own, the others are kept
    result = screen({"roster": path}, out=tmp_path / "clues.csv", as_of=AS_OF,
                    on_bad_rows="report")
    load = result.loads[0]
    assert (load.rows_read, load.rows_loaded, load.bad_row_count) == (3, 2, 1)


def test_spreadsheet_damaged_ids_are_reported_rows(tmp_path: Path) -> None:
    rows = [worker(), worker(worker_id_no="1.10105E+17"), worker(worker_id_no=ID_A + ".0"[:0])]
    path = write_csv(tmp_path / "roster.csv", rows)
    with pytest.raises(InputError) as caught:
        _screen(tmp_path, roster=path)
    bad = caught.value.bad_rows
    assert [(b.line, b.column, b.code) for b in bad] == [(3, "worker_id_no", "E_ID_LOST_DIGITS")]
    assert "1.10105E+17" in str(caught.value)


def test_report_mode_loads_good_rows_and_writes_rejects(tmp_path: Path) -> None:
    rows = [worker(), worker(worker_id_no="1.10105E+17"), worker(on_post_from="2024/01/01"),
            worker(worker_name="")]
    path = write_csv(tmp_path / "roster.csv", rows)
    out = tmp_path / "clues.csv"
    result = screen({"roster": path}, out=out, as_of=AS_OF, on_bad_rows="report")
    load = result.loads[0]
    assert (load.rows_read, load.rows_loaded, load.bad_row_count) == (4, 1, 3)
    assert [(b.line, b.code) for b in result.bad_rows] == [
        (3, "E_ID_LOST_DIGITS"), (4, "E_DATE"), (5, "E_REQUIRED")]
    assert result.rejects is not None and len(read_clues(result.rejects)) == 3
    assert out.exists()


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "certs.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _screen(tmp_path, certificates=path)
    assert caught.value.code == "E_EMPTY_FILE"


def test_header_only_file_loads_zero_rows(tmp_path: Path) -> None:
    path = tmp_path / "certs.csv"
    path.write_text(",".join(cert()) + "\n", encoding="utf-8")
    out = _screen(tmp_path, certificates=path)
    assert read_clues(out) == []


def test_duplicated_certificate_rows_are_reported(tmp_path: Path) -> None:
    other = cert(cert_no="T2")
    path = write_csv(tmp_path / "certs.csv", [cert(), other, cert(name="张卫"), other])
    with pytest.raises(InputError) as caught:
        _screen(tmp_path, certificates=path)
    assert [(b.line, b.code) for b in caught.value.bad_rows] == [
        (2, "E_DUPLICATE_CONFLICT"), (4, "E_DUPLICATE_CONFLICT")]
    assert "与第4行的证书编号、类别、操作项目和来源相同但其他内容不同" in str(caught.value)


def test_wrong_type_in_parquet_and_gzip_csv(tmp_path: Path) -> None:
    table = pa.Table.from_pylist([cert(), cert(cert_no="X", valid_from="soon")])
    pq.write_table(table, tmp_path / "certs.parquet")
    with pytest.raises(InputError) as caught:
        _screen(tmp_path, certificates=tmp_path / "certs.parquet")
    assert [(b.line, b.column) for b in caught.value.bad_rows] == [(3, "valid_from")]
    gz = tmp_path / "certs.csv.gz"
    plain = write_csv(tmp_path / "plain.csv", [cert()])
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert read_clues(_screen(tmp_path, certificates=gz)) == []


def test_failed_run_leaves_no_clue_file(tmp_path: Path) -> None:
    out = tmp_path / "clues.csv"
    good = write_csv(tmp_path / "certs.csv", [cert()])
    bad = write_csv(tmp_path / "roster.csv", [worker(on_post_from="yesterday")])
    with pytest.raises(InputError):
        screen({"certificates": good, "roster": bad}, out=out, as_of=AS_OF)
    assert list(tmp_path.glob("*clues*")) == []


@pytest.fixture(scope="module")
def five_thousand_certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = generate(out_dir=tmp_path_factory.mktemp("big"), certificates=5000, seed=1,
                    fmt="csv")
    return made.files["certificates"]


# 1 MB runs out while the file is read, 4 MB while the rules run: the same clear error.
@pytest.mark.parametrize("limit", ["1MB", "4MB"])
def test_input_too_large_for_the_memory_limit_is_a_clear_error(
        tmp_path: Path, five_thousand_certificates: Path, limit: str) -> None:
    out = tmp_path / "clues.csv"
    with pytest.raises(InputError) as caught:
        screen({"certificates": five_thousand_certificates}, out=out, as_of=AS_OF,
               memory_limit=limit, threads=1)
    err = caught.value
    assert (err.code, err.file) == ("E_TOO_LARGE", str(five_thousand_certificates))
    assert "内存上限" in str(err) and "--memory-limit" in str(err)
    assert list(tmp_path.iterdir()) == []  # no clue file, complete or partial


def test_running_out_of_memory_in_a_rule_names_the_largest_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    certs = write_csv(tmp_path / "certs.csv", [cert()])
    roster = write_csv(tmp_path / "roster.csv", [worker(), worker(worker_name="李四",
                                                                  cert_no="T9")])

    def out_of_memory(self: DuckDBEngine, sql: str) -> None:
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")

    monkeypatch.setattr(DuckDBEngine, "run", out_of_memory)
    with pytest.raises(InputError) as caught:
        screen({"certificates": certs, "roster": roster}, out=tmp_path / "clues.csv",
               as_of=AS_OF)
    assert (caught.value.code, caught.value.file) == ("E_TOO_LARGE", str(roster))
    assert list(tmp_path.glob("*clues*")) == []


def test_default_memory_limit_leaves_room_for_other_processes() -> None:
    limit = default_memory_limit()
    if limit is None:  # no /proc/meminfo: DuckDB's own default applies
        return
    available_mb = next(int(line.split()[1]) // 1024 for line in
                        Path("/proc/meminfo").read_text(encoding="ascii").splitlines()
                        if line.startswith("MemAvailable:"))
    assert limit.endswith("MB") and 256 <= int(limit[:-2]) <= max(256, available_mb)


def test_unknown_rule_and_bad_param(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "certs.csv", [cert()])
    with pytest.raises(ParamError, match="R99"):
        screen({"certificates": good}, out=tmp_path / "c.csv", rules=["R99"])
    with pytest.raises(ParamError, match="outlier_z"):
        screen({"certificates": good}, out=tmp_path / "c.csv", params=["outlier_z=high"])


def test_rules_without_inputs_are_skipped_and_said_so(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "certs.csv", [cert()])
    result = screen({"certificates": good}, out=tmp_path / "c.parquet", as_of=AS_OF)
    skipped = {r.code: r.missing for r in result.rules if r.status == "skipped"}
    assert skipped == {"R01": ["roster"], "R04": ["roster"], "R05": ["roster"],
                       "R06": ["roster"], "R07": ["roster"], "R08": ["roster"],
                       "R09": ["roster"], "R10": ["roster"], "R12": ["training"],
                       "R13": ["training 或 exams"], "R14": ["training"], "R15": ["exams"],
                       "R16": ["exams"]}
    assert pq.read_schema(tmp_path / "c.parquet").names[:3] == ["rule", "severity", "subject"]


def _damaged(tmp_path: Path, kind: str) -> Path:
    plain = write_csv(tmp_path / "plain.csv", [cert(), cert(cert_no="T2")])
    if kind == "truncated_gz":
        path = tmp_path / "certs.csv.gz"
        path.write_bytes(gzip.compress(plain.read_bytes())[:-12])
    elif kind == "corrupt_gz":
        data = bytearray(gzip.compress(plain.read_bytes()))
        data[len(data) // 2] ^= 0xFF
        path = tmp_path / "certs.csv.gz"
        path.write_bytes(bytes(data))
    elif kind == "not_parquet":
        path = tmp_path / "certs.parquet"
        path.write_bytes(b"PAR1" + b"\x00" * 40)
    else:  # truncated Parquet
        pq.write_table(pa.Table.from_pylist([cert()]), tmp_path / "whole.parquet")
        path = tmp_path / "certs.parquet"
        path.write_bytes((tmp_path / "whole.parquet").read_bytes()[:-30])
    return path


@pytest.mark.parametrize(("kind", "code"), [
    ("truncated_gz", "E_GZIP_TRUNCATED"), ("corrupt_gz", "E_GZIP_CORRUPT"),
    ("not_parquet", "E_PARQUET_CORRUPT"), ("truncated_parquet", "E_PARQUET_CORRUPT")])
def test_damaged_files_are_coded_chinese_errors(tmp_path: Path, kind: str, code: str) -> None:
    path = _damaged(tmp_path, kind)
    with pytest.raises(InputError) as caught:
        screen({"certificates": path}, out=tmp_path / "clues.csv", as_of=AS_OF,
               on_bad_rows="report")
    assert caught.value.code == code
    message = str(caught.value).replace(str(path), "")
    assert "文件" in message and "Error" not in message and "0x" not in message


def test_other_encodings_and_control_characters_load(tmp_path: Path) -> None:
    rows = [cert(name="张\x1b伟"), cert(cert_no="T2", name="李\x00娜")]
    text = write_csv(tmp_path / "utf8.csv", rows).read_text(encoding="utf-8")
    for encoding in ("gb18030", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        out = tmp_path / f"clues-{encoding}.csv"
        result = screen({"certificates": path}, out=out, as_of=AS_OF, rules=["R03"],
                        on_bad_rows="report")
        load = result.loads[0]
        assert (load.rows_read, load.rows_loaded, load.encoding) == (2, 2, encoding)
        clues = read_clues(out)
        assert {json.loads(c["evidence"])["cert_no"] for c in clues} == {"T2"}
        assert any("\x00" in c["name"] for c in clues)  # kept as written, escaped in JSON
