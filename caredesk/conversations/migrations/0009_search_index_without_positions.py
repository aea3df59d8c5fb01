from django.db import migrations

from caredesk.conversations import search


class Migration(migrations.Migration):
    """SQLite: the search index without word positions (search never asks for them; see search.py)."""

    dependencies = [("conversations", "0008_care_quality_events")]

    operations = [migrations.RunPython(search.rebuild_fts_table("none"), search.rebuild_fts_table("full"))]
