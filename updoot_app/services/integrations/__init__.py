"""Integrations: outgoing webhooks (endpoints, the events they get, signed
deliveries on the job queue)."""
