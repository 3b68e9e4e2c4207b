"""Who may do what with orders on the staff side. Customer contacts act through their portal
rights per site (``PortalRight``), checked by the commerce selectors, never by these."""

from __future__ import annotations

import rules

from kundennah.accounts.rules import is_staff_member, is_team_lead

# Staff and integration users (the ERP's API token belongs to a staff user).
rules.add_perm("commerce.view_order", is_staff_member)
rules.add_perm("commerce.place_order", is_staff_member)
rules.add_perm("commerce.update_fulfilment", is_staff_member)
rules.add_perm("commerce.record_readings", is_staff_member)
rules.add_perm("commerce.manage_catalogue", is_team_lead)
rules.add_perm("commerce.view_order_errors", is_team_lead)
