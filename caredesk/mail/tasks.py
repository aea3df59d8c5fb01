"""Background work for inbound email. Tasks take ids and are safe to run twice."""

from django_tasks import task


@task()
def process_inbound(inbound_id: int) -> None:
    """Process a stored email (services.process); an email processed already is left as it is."""
    from . import services
    from .models import InboundEmail

    # Only the id is read here: process() reads the row, raw bytes and all, under its lock.
    inbound = InboundEmail.objects.only("pk").filter(pk=inbound_id).first()
    if inbound is not None:
        services.process(inbound)
