"""Outgoing email: SMTP configuration, messages, the outbox and its delivery."""
