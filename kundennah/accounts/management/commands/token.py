"""``kundennah token``: API tokens for scripts and integrations.

``create`` prints the token once, alone on standard output, so that a script can capture
it (``TOKEN=$(kundennah token create --user anna)``); the hint goes to standard error.
Only a hash is stored: a lost token cannot be shown again, only revoked and replaced.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kundennah.accounts.models import ApiToken, User
from kundennah.accounts.tokens import api_token_create, api_token_revoke


def _positive(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise ArgumentTypeError(_("a whole number of days")) from None
    if days < 1 or days > 3650:
        raise ArgumentTypeError(_("between 1 and 3650 days"))
    return days


class Command(BaseCommand):
    help = "Create, list and revoke API tokens (Authorization: Bearer …)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="{create,list,revoke}")
        actions.required = True
        create: ArgumentParser = actions.add_parser("create", help="Create a token for a user.")
        create.add_argument("--user", required=True, metavar="USERNAME",
                            help="Who the token acts as.")
        create.add_argument("--name", default="", help="What the token is for (shown in lists).")
        create.add_argument("--expires-days", type=_positive, default=None, metavar="N",
                            help="Days until the token stops working (default: never).")
        listing = actions.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("--user", default=None, metavar="USERNAME",
                             help="Only this user's tokens.")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The prefix shown by 'token list', e.g. kn_AbC1234.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["user"], options["name"], options["expires_days"])
        elif action == "list":
            self._list(options["user"])
        else:
            self._revoke(options["prefix"])

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user “%(username)s”.") % {"username": username})
        return user

    def _create(self, username: str, name: str, expires_days: int | None) -> None:
        user = self._user(username)
        if not user.is_active:
            raise CommandError(
                _("The user “%(username)s” is inactive; a token would not work.")
                % {"username": username}
            )
        expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        name = name.strip()[:100] or _("API token of %(username)s") % {"username": username}
        token, raw = api_token_create(user=user, name=name, expires_at=expires_at)
        self.stdout.write(raw)
        hint = [
            _("Token “%(name)s” for %(username)s (prefix %(prefix)s). It is shown only now.")
            % {"name": token.name, "username": username, "prefix": token.prefix},
            _("Use it as: Authorization: Bearer %(token)s") % {"token": raw},
        ]
        if expires_at:
            hint.append(_("It expires on %(date)s.") % {"date": _date(expires_at)})
        if not user.is_staff_member:
            hint.append(_("Note: this user is not staff; the customer API will refuse them."))
        self.stderr.write("\n".join(hint), style_func=lambda text: text)

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user=self._user(username))
        now = timezone.now()
        rows = [(_("PREFIX"), _("USER"), _("NAME"), _("CREATED"), _("LAST USED"), _("EXPIRES"),
                 _("STATE"))]
        for token in tokens:
            rows.append((
                token.prefix, token.user.username, token.name, _date(token.created_at),
                _date(token.last_used_at), _date(token.expires_at), _state(token, now),
            ))
        if len(rows) == 1:
            self.stdout.write(_("No tokens."))
            return
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def _revoke(self, prefix: str) -> None:
        matches = list(ApiToken.objects.select_related("user").filter(prefix=prefix.strip()))
        if not matches:
            raise CommandError(_("No token has the prefix “%(prefix)s”.") % {"prefix": prefix})
        if len(matches) > 1:
            raise CommandError(
                _("%(count)d tokens have the prefix “%(prefix)s”; revoke them in the admin.")
                % {"count": len(matches), "prefix": prefix}
            )
        token = matches[0]
        if token.revoked_at is not None:
            self.stdout.write(_("Token %(prefix)s was already revoked.") % {"prefix": token.prefix})
            return
        api_token_revoke(token=token)
        self.stdout.write(
            _("Token %(prefix)s of %(username)s revoked.")
            % {"prefix": token.prefix, "username": token.user.username}
        )


def _date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "–"


def _state(token: ApiToken, now: dt.datetime) -> str:
    if token.revoked_at is not None:
        return _("revoked")
    if token.expires_at is not None and token.expires_at <= now:
        return _("expired")
    if not token.user.is_active:
        return _("user inactive")
    return _("active")
