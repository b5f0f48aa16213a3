"""Django's flush, keeping reference data that tests load once per session.

Transactional tests (browser tests, worker tests) end with a flush of every table. The
official regions (91,599 rows) and the test's question bank are reference data that no
test changes for good, so the test settings keep them between tests.
"""

from django.core.management.commands import flush

KEPT_TABLES = {
    "regions_province",
    "regions_regency",
    "regions_district",
    "regions_village",
    "regions_regionsedition",
    # The question bank, loaded by a data migration.
    "assessment_question",
    "assessment_option",
}


def _sql_flush_keeping_reference_data(style, connection, reset_sequences=True, allow_cascade=False):
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in KEPT_TABLES
    ]
    return connection.ops.sql_flush(
        style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
    )


class Command(flush.Command):
    def handle(self, **options):
        original = flush.sql_flush
        flush.sql_flush = _sql_flush_keeping_reference_data
        try:
            return super().handle(**options)
        finally:
            flush.sql_flush = original
