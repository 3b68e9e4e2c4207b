from __future__ import annotations

from django.conf import settings

from kundennah.accounts.models import User


def user_language_set(*, user: User, language: str) -> User:
    """Remember the user's UI language; an unknown code keeps the current one."""
    if language in {code for code, _name in settings.LANGUAGES} and language != user.language:
        user.language = language
        user.save(update_fields=["language"])
    return user
