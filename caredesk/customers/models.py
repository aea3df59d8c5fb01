"""Customers and the organisations they belong to."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    domain = models.CharField(_("email domain"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A label the business gives its accounts ("gold", "wholesale"): service targets can be chosen by it.
    tier = models.CharField(_("tier"), max_length=30, blank=True, db_default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """Someone who writes to the business. They log in to the portal through `user`, made on first log-in."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), unique=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    notes = models.TextField(_("notes"), blank=True)
    # As Organisation.tier, for a customer of their own (a VIP): service targets can be chosen by it.
    tier = models.CharField(_("tier"), max_length=30, blank=True, db_default="")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when email to this address bounced (mail/delivery.py): agents see it on the ticket, and no
    # automatic email goes there. Cleared when the customer writes to us from it again.
    email_failing_since = models.DateTimeField(null=True, blank=True)
    email_failure = models.CharField(max_length=500, blank=True, db_default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_absolute_url(self) -> str:
        return reverse("conversations:customer", args=[self.pk])

    @property
    def first_name(self) -> str:
        name = self.name.strip()
        for title in ("Mrs ", "Mr ", "Ms ", "Miss ", "Dr "):
            if name.startswith(title):
                return name  # "Mrs Miggins" is how she is addressed
        return name.split(" ")[0] if name else ""
