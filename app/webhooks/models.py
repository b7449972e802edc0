"""Tables of this domain (filled in by its issue; its Alembic revision is reserved)."""
