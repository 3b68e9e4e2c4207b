"""Settings for the test suite: the real settings, with a throwaway data directory,
background jobs run inline, and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("KUNDENNAH_DATA_DIR", tempfile.mkdtemp(prefix="kundennah-test-"))
os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from kundennah.settings import *  # noqa: F403
from kundennah.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
