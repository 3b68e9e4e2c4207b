"""Who may see and change what on the customer record."""

from __future__ import annotations

import rules

from kundennah.accounts.rules import is_admin, is_staff_member, is_team_lead


@rules.predicate
def is_note_author(user, note) -> bool:
    return note is not None and note.author_id is not None and note.author_id == getattr(user, "pk", None)


@rules.predicate
def is_plain_note(user, note) -> bool:
    return note is not None and not note.is_sensitive


rules.add_perm("customers.view_customer", is_staff_member)
rules.add_perm("customers.add_customer", is_staff_member)
rules.add_perm("customers.change_customer", is_staff_member)
rules.add_perm("customers.delete_customer", is_admin)
rules.add_perm("customers.import_customers", is_team_lead)
rules.add_perm("customers.view_sensitive_notes", is_team_lead)
rules.add_perm("customers.view_personalnote", is_staff_member & (is_plain_note | is_note_author | is_team_lead))
rules.add_perm("customers.change_personalnote", is_staff_member & (is_note_author | is_team_lead))
rules.add_perm("customers.delete_personalnote", is_staff_member & (is_note_author | is_team_lead))
