"""Who may see feedback. Answers are read by staff; insights and retraining by team leads."""

from __future__ import annotations

import rules

from kundennah.accounts.rules import is_staff_member, is_team_lead

rules.add_perm("feedback.view_feedback", is_staff_member)
rules.add_perm("feedback.view_insights", is_team_lead)
rules.add_perm("feedback.act_on_insights", is_team_lead)
rules.add_perm("feedback.export_feedback", is_team_lead)
