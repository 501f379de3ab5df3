"""A verified upload of the crafted roster (one worker per result), for the issue-5 tests."""

from __future__ import annotations

from certguard.selfcheck import services
from certguard.selfcheck.models import RosterUpload
from tests.selfcheck.cases import AS_OF, build_registry_and_rows, write_messy_roster


def verified_upload(cast, tmp_path, capture, *, rows=None, by=None, employer=None,
                    name="花名册.xlsx") -> RosterUpload:
    if rows is None:
        rows, _ = build_registry_and_rows(cast)
    path = write_messy_roster(tmp_path / name, rows)
    upload = services.upload_create(by=by or cast.user_x, employer=employer or cast.enterprise_x,
                                    file_name=name, data=path.read_bytes())
    with capture(execute=True):
        services.upload_confirm(by=by or cast.user_x, upload=upload, as_of=AS_OF)
    upload.refresh_from_db()
    assert upload.status == "verified", upload.error
    return upload
