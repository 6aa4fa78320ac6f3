"""SQL stores: ``db`` (Base, engine), then one module per table family.
Imports only the pure layer."""
