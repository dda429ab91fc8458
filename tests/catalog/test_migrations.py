from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from catalog.store.models import Base


def test_models_and_migrations_agree(engine):
    """After `upgrade head` on an empty database, autogenerate finds nothing to change."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_creates_every_table_and_is_idempotent(engine):
    from catalog.store.db import upgrade

    upgrade(engine)  # a second upgrade is a no-op
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
