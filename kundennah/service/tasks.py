"""Background jobs of the service desk (huey). Thin: take ids, call a service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from kundennah.service.acknowledgement import acknowledgement_send

# --- Acknowledgements ---------------------------------------------------------------------


@db_task(retries=3, retry_delay=60)
def acknowledgement_send_task(concern_id: int, base_url: str) -> None:
    """Mail the customer the reference and the promise. Safe to run twice: sent once per concern."""
    acknowledgement_send(concern_id=concern_id, base_url=base_url)
