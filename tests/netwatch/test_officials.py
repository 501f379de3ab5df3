import json

import pytest

from certguard.ecert.urlcheck import DEFAULT_OFFICIAL_HOSTS
from certguard.netwatch.errors import NetwatchError
from certguard.netwatch.officials import (
    default_official_hosts,
    load_official_hosts,
    official_hosts_from_dicts,
)


def test_default_list_holds_domain_md_hosts_with_operators() -> None:
    hosts = {o.host: o for o in default_official_hosts()}
    assert set(hosts) == {"cx.mem.gov.cn", "zlaq.mohurd.gov.cn", "cnse.samr.gov.cn",
                          "cnse.e-cqs.cn", "www.chinasafety.gov.cn"}
    assert hosts["cx.mem.gov.cn"].operator == "应急管理部"
    assert hosts["www.chinasafety.gov.cn"].status == "retired"
    assert all(o.operator for o in hosts.values())


def test_ecert_allow_list_and_netwatch_list_agree() -> None:
    # Both detectors read the same facts until the database-backed list replaces both.
    active = {o.host for o in default_official_hosts() if o.status == "active"}
    assert set(DEFAULT_OFFICIAL_HOSTS) == active


@pytest.mark.parametrize(("entries", "fragment"), [
    ([], "清单为空"),
    (["cx.mem.gov.cn"], "不是对象"),
    ([{"host": "not a host", "operator": "x"}], "不是有效域名"),
    ([{"host": "a.example.cn", "operator": ""}], "缺少运营单位"),
    ([{"host": "a.example.cn", "operator": "x", "status": "gone"}], "状态"),
    ([{"host": "a.example.cn", "operator": "x"}, {"host": "A.example.cn.", "operator": "y"}],
     "重复"),
    ([{"host": "a.example.cn", "operator": "x", "trade_names": "特种作业"}], "名称列表"),
])
def test_bad_lists_are_refused_in_chinese(entries, fragment) -> None:
    with pytest.raises(NetwatchError) as caught:
        official_hosts_from_dicts(entries)
    assert caught.value.code == "officials_invalid"
    assert fragment in caught.value.message


def test_administrator_file_round_trips(tmp_path) -> None:
    path = tmp_path / "hosts.json"
    data = {"hosts": [o.to_dict() for o in default_official_hosts()]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_official_hosts(str(path)) == default_official_hosts()
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(NetwatchError, match="JSON"):
        load_official_hosts(str(path))
    with pytest.raises(NetwatchError, match="无法读取"):
        load_official_hosts(str(tmp_path / "missing.json"))
