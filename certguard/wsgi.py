import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certguard.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: anonymous verification queries are answered in front of it.
from certguard.registry.fastpath import VerifyFastPath  # noqa: E402

application = VerifyFastPath(django_application)
