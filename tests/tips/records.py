"""Tip-off records for tests: a report about a fake 特种作业操作证 in county A, routed to
county A's 应急管理局, with an attachment and a real-name reporter."""

from __future__ import annotations

import io


def png_bytes(size=(8, 8), exif: bytes | None = None) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif is not None:
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def tip_input(**changes):
    from certguard.tips.intake import TipInput

    values = dict(subject_kind="fake_certificate", subject_name="沁水县X煤业的电工张某",
                  subject_code="T140521198503140031", family="special_ops", place="140521",
                  description="张某持有的特种作业操作证在官网查不到，据说是花钱买的。",
                  anonymous=False, name="李举报", contact="13800000000")
    values.update(changes)
    return TipInput(**values)


def matrix_tip(world):
    from certguard.tips.intake import tip_submit

    tip, _ = tip_submit(data=tip_input(files=[("照片.png", png_bytes())]), source="10.0.0.1")
    return tip
