"""Legacy .xls workbooks (BIFF8 in an OLE2 container), written by hand for the tests.

No xls writer is installed (xlwt is unmaintained; LibreOffice is not on this machine), so a
minimal writer below produces what Excel 97-2003 files hold: a CFB v3 container with one
Workbook stream of BOF / CODEPAGE / BOUNDSHEET8 / EOF records, then per sheet LABEL and NUMBER
cells and MERGEDCELLS ranges. python-calamine reads it like any other .xls.
"""

from __future__ import annotations

import struct
from datetime import date
from pathlib import Path

import pytest

from certguard.ids import make_id_no
from certguard.selfcheck.reader import RosterReadError, read_roster

ID = make_id_no("110105", date(1980, 1, 2), 11)
ID2 = make_id_no("440305", date(1975, 6, 30), 24)
ID3 = make_id_no("140521", date(1990, 12, 31), 37)
_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF

Merged = tuple[tuple[int, int], tuple[int, int]]


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _cell(r: int, c: int, value: object) -> bytes:
    if isinstance(value, int | float):
        return _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))  # NUMBER
    text = str(value)
    return _record(0x0204, struct.pack("<HHHHB", r, c, 0, len(text), 1)
                   + text.encode("utf-16-le"))  # LABEL, UTF-16


def _sheet(rows: list[list[object]], merged: list[Merged]) -> bytes:
    out = [_bof(0x0010)]
    out += [_cell(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row)
            if v not in (None, "")]
    if merged:
        out.append(_record(0x00E5, struct.pack("<H", len(merged)) + b"".join(
            struct.pack("<HHHH", r0, r1, c0, c1) for (r0, c0), (r1, c1) in merged)))
    return b"".join(out) + _record(0x000A)


def _workbook_stream(sheets: list[tuple[str, list[list[object]], list[Merged]]]) -> bytes:
    bodies = [_sheet(rows, merged) for _, rows, merged in sheets]

    def globals_part(offsets: list[int]) -> bytes:
        parts = [_bof(0x0005), _record(0x0042, struct.pack("<H", 1200))]  # CODEPAGE UTF-16
        for (name, _, _), offset in zip(sheets, offsets, strict=True):
            parts.append(_record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1)
                                 + name.encode("utf-16-le")))  # BOUNDSHEET8
        return b"".join(parts) + _record(0x000A)

    position = len(globals_part([0] * len(sheets)))
    offsets = []
    for body in bodies:
        offsets.append(position)
        position += len(body)
    return globals_part(offsets) + b"".join(bodies)


def _cfb(stream: bytes, *, declared_size: int | None = None) -> bytes:
    # Streams under 4096 bytes would live in the mini stream; padding keeps this one in sectors.
    data = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\x00")
    count = len(data) // 512
    fat = [_FATSECT, _ENDOFCHAIN] + [3 + i if i < count - 1 else _ENDOFCHAIN for i in range(count)]
    fat += [_FREESECT] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<9I", 0, 1, 1, 0, 0x1000, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREESECT) * 108)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", _NOSTREAM, _NOSTREAM, child) + bytes(36)
                + struct.pack("<IQ", start, size))

    size = len(data) if declared_size is None else declared_size
    directory = (entry("Root Entry", 5, 1, _ENDOFCHAIN, 0)
                 + entry("Workbook", 2, _NOSTREAM, 2, size) + entry("", 0, _NOSTREAM, 0, 0) * 2)
    return header + struct.pack("<128I", *fat) + directory + data


def _xls(path: Path, sheets: list[tuple[str, list[list[object]], list[Merged]]]) -> Path:
    path.write_bytes(_cfb(_workbook_stream(sheets)))
    return path


def test_xls_with_title_merged_department_and_damaged_ids(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["施工单位特种作业人员持证情况自查登记表"],
        ["序号", "部门", "姓名", "公民身份号码", "操作证号", "准操项目", "有效期至"],
        [1, "机修车间", "张三", ID, "T" + ID, "1.2", "2019.5.6-2025.5.5"],
        [2, None, "李四", float(ID2[:15] + "000"), "T" + ID2, "低压电工作业", "2026年1月31日"],
        [3, None, "王五", ID3.lower(), "", "", 46022],
        [],
        ["以下空白"],
    ]
    merged = [((0, 0), (0, 6)), ((2, 1), (4, 1))]
    result = read_roster(source=_xls(tmp_path / "自查登记表.xls", [("持证情况", rows, merged)]))
    assert result.file_kind == "xls"
    mapping = result.mappings[0]
    assert mapping.header_rows == (2,)
    assert mapping.field_columns() == {"department": 1, "worker_name": 2, "worker_id_no": 3,
                                       "cert_no": 4, "item": 5, "valid_until": 6}
    accepted = {r.worker_name: r for r in result.accepted}
    assert set(accepted) == {"张三", "王五"}
    assert (accepted["张三"].required_item_code, accepted["张三"].valid_until) == (
        "1.2", date(2025, 5, 5))
    assert (accepted["王五"].worker_id_no, accepted["王五"].department) == (ID3, "机修车间")
    assert accepted["王五"].valid_until == date(2025, 12, 31)  # Excel serial 46022
    assert [(r.row_no, r.code) for r in result.rejected] == [(4, "id_lost_digits")]
    assert [r.row_no for r in result.skipped_rows] == [7]  # 以下空白: a note, not a worker
    assert result.blank_rows == 1


def test_xls_with_several_sheets(tmp_path: Path) -> None:
    sheets = [
        ("说明", [["本表由企业安全管理部门填写"]], []),
        ("电工", [["姓名", "身份证号"], ["张三", ID]], []),
        ("焊工", [["姓名", "证件号码", "证号"], ["李四", ID2, "T" + ID2]], []),
    ]
    result = read_roster(source=_xls(tmp_path / "r.xls", sheets))
    assert [(r.sheet, r.worker_id_no) for r in result.accepted] == [("电工", ID), ("焊工", ID2)]
    assert [s.sheet for s in result.skipped_sheets] == ["说明"]


def test_xls_whose_container_is_broken_is_corrupt_not_a_crash(tmp_path: Path) -> None:
    # Declaring the stream shorter than 4096 bytes sends calamine to a mini stream that does not
    # exist: it panics in Rust, which must still come out as file_corrupt.
    stream = _workbook_stream([("s", [["姓名", "身份证号"], ["张三", ID]], [])])
    path = tmp_path / "broken.xls"
    path.write_bytes(_cfb(stream, declared_size=100))
    with pytest.raises(RosterReadError) as caught:
        read_roster(source=path)
    assert caught.value.code == "file_corrupt"
