"""SQL stores: ``db`` (Base, engine, the door to migrations), then one module per table
family; ``schema`` gathers every table for ``migrations/``, ``migrate`` drives Alembic and
``legacy`` adopts a database made before migrations. Imports only the pure layer."""
