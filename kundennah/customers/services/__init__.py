"""Writes to the customer record. Views, the API, the import and tasks all call these."""

from kundennah.customers.services.consents import consent_record
from kundennah.customers.services.contact_points import (
    contact_point_add,
    contact_point_make_primary,
    contact_point_mark_failing,
    contact_point_remove,
    contact_point_update,
)
from kundennah.customers.services.customers import customer_create, customer_update
from kundennah.customers.services.holdings import holding_add, holding_update
from kundennah.customers.services.memberships import membership_add, membership_remove
from kundennah.customers.services.notes import note_add, note_delete, note_update
from kundennah.customers.services.sites import site_add, site_bank_account_set, site_update

__all__ = [
    "consent_record",
    "contact_point_add",
    "contact_point_make_primary",
    "contact_point_mark_failing",
    "contact_point_remove",
    "contact_point_update",
    "customer_create",
    "customer_update",
    "holding_add",
    "holding_update",
    "membership_add",
    "membership_remove",
    "note_add",
    "note_delete",
    "note_update",
    "site_add",
    "site_bank_account_set",
    "site_update",
]
