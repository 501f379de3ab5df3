"""The new-run form's date field keeps its value in a browser (an ``<input type="date">``
discards anything but ISO ``YYYY-MM-DD``, so 开始筛查 would do nothing)."""

from __future__ import annotations

import re

from django.utils import timezone


def test_as_of_is_rendered_in_iso_form(cast, client):
    client.force_login(cast.inspector_city)
    page = client.get("/screening/new/").content.decode()
    field = re.search(r'<input type="date" name="as_of"[^>]*>', page)
    assert field is not None
    assert f'value="{timezone.localdate().isoformat()}"' in field.group(0)
