"""Who may set up mailboxes and look at the raw mail: admins only (a mailbox decides where
passwords are sent and what leaves the house)."""

import rules

from kundennah.accounts.rules import is_admin

rules.add_perm("mail.manage_mailboxes", is_admin)
rules.add_perm("mail.view_inboundmail", is_admin)
