from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def synth_files(tmp_path_factory):
    """A small synthetic world with planted frauds (made once per test session)."""
    from certguard.synth.generate import generate

    return generate(out_dir=tmp_path_factory.mktemp("synth"), certificates=2000, roster=500,
                    training=200, exams=200, seed=1)


def upload(path, name: str | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or path.name, path.read_bytes())
