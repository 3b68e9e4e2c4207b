import rules

from kundennah.accounts.rules import is_staff_member

rules.add_perm("timeline.view_interaction", is_staff_member)
rules.add_perm("timeline.add_interaction", is_staff_member)
