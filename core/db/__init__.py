"""SQL persistence: engine creation, ORM tables and migrations."""
