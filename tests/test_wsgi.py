"""The WSGI entry point of `certguard serve`'s workers."""

import os
import subprocess
import sys


def test_a_worker_freezes_what_it_loaded_before_its_first_request(tmp_path):
    """Out of the cyclic collector's reach, the objects that live as long as the worker do not
    make every full collection a stall of ~90 ms (the soak's latency tail)."""
    script = ("import gc, certguard.wsgi; from django.urls import get_resolver; "
              "print(gc.get_freeze_count(), 'url_patterns' in get_resolver().__dict__)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "certguard.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}",
           "CERTGUARD_VAR_DIR": str(tmp_path / "var")}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    frozen, views_loaded = int(out[0]), out[1] == "True"
    assert frozen > 50_000 and views_loaded  # Django, the apps and every view
