"""Database constraints the rota relies on, enforced where the database can."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import models


class TsTzRange(models.Func):
    """PostgreSQL's half-open timestamp range [start, end)."""

    function = "TSTZRANGE"
    output_field = models.DateTimeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that PostgreSQL enforces and other databases leave out.

    SQLite (the zero-setup development database) has no exclusion constraints; there the
    services' own clash checks are the only guard, which is why production runs on PostgreSQL
    and the constraint is tested there.
    """

    def _supported(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor) if self._supported(schema_editor) else None
        )

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._supported(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._supported(schema_editor) else None

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
