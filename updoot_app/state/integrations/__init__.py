"""Handlers of Settings → Integrations."""
