"""Channels are adapters: each turns its input (a form post, a phone note, a letter scan, a
signed webhook, later a mail) into one call of ``service.services.concern_intake``."""
