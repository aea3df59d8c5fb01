"""People: staff and customers log in as users; teams group the staff who own tickets."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """Anyone who logs in. The role decides what they may see and do (accounts.permissions)."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        LEAD = "lead", _("Team lead")
        ADMIN = "admin", _("Admin")
        SALES = "sales", _("Sales (read-only)")
        CUSTOMER = "customer", _("Customer")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField("Team", through="Membership", related_name="members", blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["first_name", "last_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        # Admins manage the desk's settings in Django's admin site; nobody else reaches it.
        self.is_staff = self.role == self.Role.ADMIN or self.is_superuser
        super().save(*args, **kwargs)

    # The admin role is the desk's administrator: every model in the admin site is theirs to manage,
    # without handing out Django's per-model permissions one by one. Other roles never reach the site.
    def has_perm(self, perm, obj=None) -> bool:
        return (self.is_active and self.role == self.Role.ADMIN) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return (self.is_active and self.role == self.Role.ADMIN) or super().has_module_perms(app_label)

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER

    @property
    def is_agent_like(self) -> bool:
        """Staff who work tickets: agents, leads and admins (sales only read)."""
        return self.role in (self.Role.AGENT, self.Role.LEAD, self.Role.ADMIN)


class Team(models.Model):
    """A group of agents with a shared queue. A private team's tickets are seen by its members only."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_private = models.BooleanField(
        _("private"), default=False, help_text=_("Only members and admins see this team's tickets.")
    )
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
        help_text=_("The working hours its service targets and promises count in. Empty: the default calendar."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user}"

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple["ApiToken", str]:
        secret = "cd_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=_hash(secret)), secret

    @classmethod
    def user_for(cls, secret: str) -> User | None:
        token = cls.objects.select_related("user").filter(digest=_hash(secret), user__is_active=True).first()
        if token is None:
            return None
        now = timezone.now()
        # At most one write a minute per token: a busy integration must not turn every read into a write.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class LoginLink(models.Model):
    """A one-time link that logs a customer into the portal without a password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_links")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login link for {self.user}"

    @staticmethod
    def hash(secret: str) -> str:
        return _hash(secret)
