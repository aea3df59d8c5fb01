"""Writes for customers: find or make a customer from what they told us."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import Customer, Organisation


@dataclass
class _Known:
    customers: dict[str, Customer | None]  # address -> its customer, None: it had none when read
    organisations: dict[str, Organisation | None]  # domain -> the organisation a new customer joins


_known: ContextVar[_Known | None] = ContextVar("caredesk_known_customers", default=None)


def customer_for_email(email: str, *, name: str = "") -> Customer:
    """The customer with this address, made if new. Names are kept as first given."""
    email = email.strip().lower()
    domain = email.rsplit("@", 1)[-1]
    known = _known.get()
    if known is not None and email in known.customers:
        if (customer := known.customers[email]) is not None:
            return customer
        # Made below. The next email from the address reads it: the savepoint making it may yet be undone.
        del known.customers[email]
    else:
        customer = Customer.objects.filter(email=email).select_related("organisation").first()
        if customer:
            return customer
    if known is not None and domain in known.organisations:
        organisation = known.organisations[domain]
    else:
        organisation = Organisation.objects.filter(domain=domain).first() if domain else None
    try:
        with transaction.atomic():
            return Customer.objects.create(email=email, name=_name(email, name), organisation=organisation)
    except IntegrityError:  # made by a concurrent request a moment ago
        return Customer.objects.get(email=email)


def _name(email: str, name: str) -> str:
    return (name.strip() or email.split("@")[0])[:200]


def customers_for_emails(names: dict[str, str]) -> dict[str, Customer]:
    """customer_for_email for several addresses (address -> the name given), by address (lower case): the
    new customers made in one INSERT. Inside known(), what it read is used and the new customers are added to
    it; call forget() if the transaction that made them is undone."""
    wanted: dict[str, str] = {}
    for email, name in names.items():
        wanted.setdefault(email.strip().lower(), name)
    known = _known.get()
    if known is not None and wanted.keys() <= known.customers.keys():
        found = {address: known.customers[address] for address in wanted if known.customers[address]}
    else:
        read = Customer.objects.filter(email__in=wanted).select_related("organisation")
        found = {customer.email: customer for customer in read}
    # In address order: two batches making some of the same customers take their index locks in the same
    # order, so one waits for the other rather than both deadlocking.
    new = sorted(address for address in wanted if address not in found)
    domains = {address.rsplit("@", 1)[-1] for address in new} - {""}
    organisations = dict(known.organisations) if known is not None else {}
    organisations |= _organisations(domains - organisations.keys())
    made = []
    for address in new:
        organisation = organisations.get(address.rsplit("@", 1)[-1])
        made.append(Customer(email=address, name=_name(address, wanted[address]), organisation=organisation))
    if made:
        # A batch of email in another worker may be making some of them right now: its rows are skipped
        # (after that batch commits) rather than failing this INSERT and every address with it, and all
        # are read back. One it could not make for another reason is made alone, which raises its error.
        Customer.objects.bulk_create(made, ignore_conflicts=True)
        read = Customer.objects.filter(email__in=[customer.email for customer in made]).select_related("organisation")
        found |= {customer.email: customer for customer in read}
        found |= {address: customer_for_email(address, name=wanted[address]) for address in new if address not in found}
    if known is not None:
        known.customers |= found
    return found


def _organisations(domains: set[str]) -> dict[str, Organisation | None]:
    """The organisation a new customer of each domain joins (None: none), in one query."""
    organisations: dict[str, Organisation | None] = dict.fromkeys(domains)
    if domains:
        for organisation in Organisation.objects.filter(domain__in=domains):  # by name: the first one wins
            if organisations[organisation.domain] is None:
                organisations[organisation.domain] = organisation
    return organisations


@contextmanager
def known(emails: Iterable[str]) -> Iterator[None]:
    """Inside, customer_for_email answers for these addresses without a query of its own: their customers
    (with organisations), and the organisations of the domains of those who have none yet, are read here in
    two queries (for a batch of inbound email). Call forget() when a customer read here may have changed
    in the database (a bounce marked it, a savepoint that changed it was undone)."""
    addresses = {email.strip().lower() for email in emails}
    read = Customer.objects.filter(email__in=addresses).select_related("organisation")
    found = {customer.email: customer for customer in read}
    customers = {address: found.get(address) for address in addresses}
    new = [address for address, customer in customers.items() if customer is None]
    organisations = _organisations({address.rsplit("@", 1)[-1] for address in new} - {""})
    token = _known.set(_Known(customers, organisations))
    try:
        yield
    finally:
        _known.reset(token)


def forget() -> None:
    """Inside known(): drop what it read; customer_for_email reads the database again."""
    if (current := _known.get()) is not None:
        current.customers.clear()
        current.organisations.clear()
