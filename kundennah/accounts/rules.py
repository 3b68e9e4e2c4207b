"""Who may do what. Roles are predicates; object rules live beside the models they guard.

``rules`` is autodiscovered (``AutodiscoverRulesConfig``), so every app's ``rules.py`` runs
at start-up and registers its permissions with ``has_perm``.
"""

from __future__ import annotations

import rules

from kundennah.accounts.models import User


@rules.predicate
def is_staff_member(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff_member)


@rules.predicate
def is_team_lead(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in {User.Role.TEAM_LEAD, User.Role.ADMIN}
    )


@rules.predicate
def is_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == User.Role.ADMIN)


rules.add_perm("accounts.manage_users", is_admin)
rules.add_perm("accounts.manage_tokens", is_admin)
