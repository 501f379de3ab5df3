"""A finding's photos are shown on its task page and open for whoever may see the inspection,
each opening audited; outside the inspection's scope a photo does not exist."""

from __future__ import annotations

import pytest

from certguard.core.audit_spool import audit_ingest
from certguard.core.models import AuditEntry
from certguard.enforcement import services
from tests.enforcement.records import new_task, team
from tests.tips.records import png_bytes

pytestmark = pytest.mark.django_db


def _photo(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    picture = png_bytes((16, 12))
    services.finding_add(by=t.inspector, task_id=task.pk, kind="uncertified",
                         description="电焊工1人无证上岗", people=1,
                         photos=[("现场.png", picture)])
    photo = task.findings.get().photos.get()
    return t, task, photo, picture


def test_the_task_page_links_each_photo_and_the_photo_opens_audited(world, client):
    t, task, photo, picture = _photo(world)
    client.force_login(t.inspector)
    page = client.get(f"/enforcement/tasks/{task.pk}/").content.decode()
    assert f'href="/enforcement/photos/{photo.pk}/"' in page and "现场照片" in page
    response = client.get(f"/enforcement/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == picture
    audit_ingest(force=True)
    entry = AuditEntry.objects.filter(action="export", object_type="enforcement.findingphoto",
                                      object_id=str(photo.pk)).get()
    assert entry.actor_id == t.inspector.pk


def test_outside_the_inspection_a_photo_does_not_exist(world, client):
    _, _, photo, _ = _photo(world)
    client.force_login(world.user("inspector", "B"))
    assert client.get(f"/enforcement/photos/{photo.pk}/").status_code == 404
    client.force_login(world.user("worker", "A"))  # no right to see inspections at all
    assert client.get(f"/enforcement/photos/{photo.pk}/").status_code == 403


def test_a_photo_whose_file_is_gone_is_a_not_found(world, client):
    t, _, photo, _ = _photo(world)
    services.photo_path(photo).unlink()
    client.force_login(t.inspector)
    response = client.get(f"/enforcement/photos/{photo.pk}/")
    assert response.status_code == 404 and "Traceback" not in response.content.decode()
