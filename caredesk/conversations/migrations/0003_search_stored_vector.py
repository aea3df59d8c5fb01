from django.db import migrations

from caredesk.conversations import search


class Migration(migrations.Migration):
    """PostgreSQL: a stored tsvector column with its GIN index replaces the expression index."""

    dependencies = [("conversations", "0002_search_index")]

    operations = [migrations.RunPython(search.add_stored_vector, search.remove_stored_vector)]
