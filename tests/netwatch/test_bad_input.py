"""Feeds as they arrive: GBK, IDN, blank lines, garbage, huge lines, big files, binary files."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest

from certguard.netwatch import cli
from certguard.netwatch.errors import NetwatchError
from certguard.netwatch.feed import read_lines


def run(options: dict, cache_dir=None) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run({"as_json": True, "officials": None, "keywords": None, **options}, out=out,
                   err=err, cache_dir=cache_dir)
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_gbk_idn_blank_and_garbage_lines_each_accounted_for(tmp_path) -> None:
    idn = "特种作业查询.com".encode("idna")
    feed = tmp_path / "feed.txt"
    feed.write_bytes(b"\xef\xbb\xbfcx-mem-gov.cn\r\n"  # UTF-8 BOM, Windows line end
                     + "应急管理部查询.com\n".encode("gbk")
                     + b"\n   \n"
                     + idn + b"\n"
                     + b"\x00\x01\x02\x03 junk\n"
                     + b"\xff\xfe\xfd\xfc\n"
                     + b"xn--zz-.com\n"
                     + b"member.com")  # no newline at the end
    code, records, summary = run({"action": "domains", "file": str(feed)})
    assert code == 2
    by_line = {r["line"]: r for r in records}
    assert sorted(by_line) == [1, 2, 5, 6, 7, 8, 9]  # 3 and 4 are blank
    assert by_line[1]["verdict"] == "lookalike"
    assert by_line[2]["domain"] == "应急管理部查询.com" and by_line[2]["verdict"] == "lookalike"
    assert by_line[5]["domain"] == "特种作业查询.com"
    assert by_line[6]["error"]["code"] == "binary" and by_line[6]["verdict"] is None
    assert by_line[7]["error"]["code"] == "undecodable"
    assert by_line[8]["error"]["code"] == "bad_idn"
    assert by_line[9]["verdict"] == "unrelated"
    for number in (6, 7, 8):
        assert by_line[number]["error"]["message"].startswith(f"第 {number} 行")
    assert "空行 2 行已跳过（第 3、4 行）" in summary
    assert "无法识别 3 行（第 6、7、8 行）" in summary


def test_ads_in_gbk_with_blank_lines(tmp_path, model_cache, classifier) -> None:
    texts = tmp_path / "ads.txt"
    texts.write_bytes("电工证不用考试，全国联网可查，加微信abc\n\n".encode("gbk")
                      + "警惕“不用考试”的假证广告\n".encode())
    code, records, summary = run({"action": "ads", "file": str(texts)}, cache_dir=model_cache)
    assert code == 0
    assert [(r["line"], r["verdict"]) for r in records] == [(1, "selling"), (3, "clean")]
    assert "空行 1 行已跳过" in summary


def test_an_over_long_line_is_skipped_and_the_next_read(tmp_path) -> None:
    feed = tmp_path / "feed.txt"
    with open(feed, "wb") as out:
        out.write(b"a" * (3 * 1024 * 1024) + b"\n")
        out.write(b"cx-mem-gov.cn\n")
    code, records, _ = run({"action": "domains", "file": str(feed)})
    assert code == 2
    assert records[0]["error"]["code"] == "too_long" and records[0]["line"] == 1
    assert records[1]["line"] == 2 and records[1]["verdict"] == "lookalike"


def test_a_very_long_ad_is_analysed_on_its_head_and_flagged(tmp_path, model_cache,
                                                           classifier) -> None:
    texts = tmp_path / "ads.txt"
    texts.write_text("电工证不用考试加微信abc" + "。" * 300_000 + "\n", encoding="utf-8")
    code, records, _ = run({"action": "ads", "file": str(texts)}, cache_dir=model_cache)
    assert code == 0 and records[0]["truncated"] is True
    assert records[0]["verdict"] == "selling"


@pytest.mark.parametrize("head", [b"PK\x03\x04", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n",
                                  bytes(range(32)) * 10])
def test_binary_files_are_refused_whole(tmp_path, head) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(head + b"cx-mem-gov.cn\n" * 10)
    with pytest.raises(NetwatchError) as caught:
        run({"action": "domains", "file": str(path)})
    assert caught.value.code == "input_binary" and "二进制" in caught.value.message


def test_empty_and_blank_only_files(tmp_path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(NetwatchError, match="文件中没有域名"):
        run({"action": "domains", "file": str(path)})
    path.write_bytes(b"\n \n\r\n")
    with pytest.raises(NetwatchError, match="3 行全是空行"):
        run({"action": "domains", "file": str(path)})


def test_directory_and_missing_file(tmp_path) -> None:
    with pytest.raises(NetwatchError, match="是目录"):
        run({"action": "domains", "file": str(tmp_path)})
    with pytest.raises(NetwatchError, match="找不到文件"):
        run({"action": "ads", "file": str(tmp_path / "none.txt")})


class _CountingSink(io.TextIOBase):
    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


def test_the_reader_streams_a_large_file_in_bounded_memory(tmp_path) -> None:
    path = tmp_path / "large.txt"
    block = b"".join(f"name{i}-example.com\n".encode() for i in range(10_000)) + b"\n"
    with open(path, "wb") as out:
        for _ in range(120):
            out.write(block)
    size = path.stat().st_size
    assert size > 20 * 2**20  # large-ish; a 1 GB feed takes the same path
    tracemalloc.start()
    counts = {"text": 0, "blank": 0}
    with open(path, "rb") as handle:
        for line in read_lines(handle, max_bytes=4096):
            counts["blank" if line.problem == "blank" else "text"] += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert counts == {"text": 1_200_000, "blank": 120}
    assert peak < 2**20  # a megabyte at most, for a file of 20+


def test_a_feed_is_scored_line_by_line_into_the_output(tmp_path, scorer) -> None:
    from certguard.bench.netwatch import write_domain_feed

    path = tmp_path / "feed.txt"
    planted = write_domain_feed(path, count=20_000, seed=3)
    sink = _CountingSink()
    code = cli.run({"action": "domains", "file": str(path), "as_json": True, "officials": None},
                   out=sink, err=(err := io.StringIO()))
    assert code == 0
    blank = sum(1 for line in read_lines(open(path, "rb"), max_bytes=4096)
                if line.problem == "blank")
    assert sink.lines == 20_000 - blank and f"空行 {blank} 行已跳过" in err.getvalue()
    assert planted > 100
