from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailChannelConfig(AppConfig):
    name = "kundennah.channels.email"
    label = "mail"
    verbose_name = _("Email")

    def ready(self) -> None:
        from kundennah.service.services import reply_delivery_register

        reply_delivery_register(_reply_by_mail)


def _reply_by_mail(concern: Any, message: Any) -> Any:
    from kundennah.channels.email.outbox import reply_queue

    return reply_queue(concern, message)
