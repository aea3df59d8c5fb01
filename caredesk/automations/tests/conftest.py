import pytest

from caredesk.automations import services


@pytest.fixture
def make_rule(ada):
    """make_rule(name, conditions=..., actions=..., event_kinds=[...] or kind="on_time") saved as ada would."""

    def make(name="Rule", *, kind="on_event", event_kinds=("created",), conditions=(), actions=(), **other):
        return services.save_rule(
            None,
            by=ada,
            name=name,
            kind=kind,
            event_kinds=list(event_kinds) if kind == "on_event" else [],
            conditions=list(conditions),
            actions=list(actions),
            **other,
        )

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued for after commit (as a real commit would),
    including what those callbacks queue in turn: rules reacting to rules' events."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
