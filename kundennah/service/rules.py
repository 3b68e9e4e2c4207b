"""Who may see and work on concerns.

Staff see the concerns of their teams, the ones assigned to them and the ones no team has
yet; admins see all. Team leads manage their teams' settings and see the measures. Customer
contacts never reach the agent side; their own concerns are served by the portal selectors.
"""

from __future__ import annotations

import rules

from kundennah.accounts.rules import is_admin, is_staff_member, is_team_lead

rules.add_perm("service.view_concern", is_staff_member)
rules.add_perm("service.change_concern", is_staff_member)
rules.add_perm("service.log_contact", is_staff_member)
rules.add_perm("service.merge_concern", is_staff_member)
rules.add_perm("service.view_measures", is_team_lead)
rules.add_perm("service.manage_settings", is_team_lead)
rules.add_perm("service.see_all_teams", is_admin)
