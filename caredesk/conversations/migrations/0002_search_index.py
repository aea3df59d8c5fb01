from django.db import migrations

from caredesk.conversations import search


class Migration(migrations.Migration):
    """Full-text search in each database's own dialect: FTS5 on SQLite, a GIN index on PostgreSQL."""

    dependencies = [("conversations", "0001_initial")]

    operations = [migrations.RunPython(search.create_schema, search.drop_schema)]
