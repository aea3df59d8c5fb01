import pytest

from caredesk.reports import rollup


@pytest.fixture(autouse=True)
def folding_history_live(request, monkeypatch):
    """The hand-built and random histories here are written under hooks.history() (so escalations and the
    like keep quiet), but must be folded event by event, as live events are: the listener's own replay
    check is switched off, except in the test of that check."""
    if "replayed_history" not in request.node.name:
        monkeypatch.setattr(rollup, "_replaying", lambda: False)
