from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "caredesk.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self):
        from caredesk.conversations import hooks

        from . import rollup

        # Daily figures move in the transaction of the events that change them (replayed history is
        # rebuilt in one pass instead: rollup.on_events).
        hooks.on_events(rollup.on_events, deferrable=True)
