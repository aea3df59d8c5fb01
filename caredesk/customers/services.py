"""Writes for customers: find or make a customer from what they told us."""

from django.db import IntegrityError, transaction

from .models import Customer, Organisation


def customer_for_email(email: str, *, name: str = "") -> Customer:
    """The customer with this address, made if new. Names are kept as first given."""
    email = email.strip().lower()
    customer = Customer.objects.filter(email=email).select_related("organisation").first()
    if customer:
        return customer
    domain = email.rsplit("@", 1)[-1]
    organisation = Organisation.objects.filter(domain=domain).first() if domain else None
    try:
        with transaction.atomic():
            return Customer.objects.create(
                email=email, name=(name.strip() or email.split("@")[0])[:200], organisation=organisation
            )
    except IntegrityError:  # made by a concurrent request a moment ago
        return Customer.objects.get(email=email)
