"""Django's PostgreSQL backend for the test suite, emptying tables with DELETE instead of TRUNCATE.

Tests that need committed data (a live server, threads: transactional_db) empty every table when they end
(Django's flush). TRUNCATE gives each of the ~70 tables and their indexes new files: 0.5 to 2 seconds a test
on the CI machine. DELETE of the few rows a test wrote takes about 40 ms. Django creates foreign keys
DEFERRABLE INITIALLY DEFERRED and flush runs in one transaction, so the order of the DELETEs does not matter.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        # allow_cascade needs nothing more: flush names every table, so no row is left to refer to them.
        if not tables:
            return []
        sql = ["SET CONSTRAINTS ALL DEFERRED;"]
        sql += [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]
        if reset_sequences:
            names = set(tables)
            sequences = [info for info in self.connection.introspection.sequence_list() if info["table"] in names]
            sql += self.sequence_reset_by_name_sql(style, sequences)
        return sql


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
