"""The job queue (huey): background work of the app, beside state/ and api/ as a
door into the services (docs/architecture.md, "Jobs")."""
