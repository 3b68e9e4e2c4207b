"""Background jobs of ordering (huey). Thin: take ids, call a service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from kundennah.commerce.notices import replenishment_notice_send


@db_task(retries=3, retry_delay=60)
def replenishment_notice_task(order_id: int) -> None:
    """Tell the site's ordering contacts what was ordered for them and why."""
    replenishment_notice_send(order_id=order_id)


@db_task(retries=3, retry_delay=60)
def order_confirmation_task(order_id: int, base_url: str) -> None:
    """Mail the orderer the confirmation with its PDF."""
    from kundennah.commerce.confirmation import order_confirmation_send

    order_confirmation_send(order_id=order_id, base_url=base_url)
