"""The demo desk loaded by `caredesk demo` (filled in below) and its logins."""

PASSWORD = "caredesk"
LOGINS = [
    ("admin@example.com", "admin"),
    ("lead@example.com", "team lead"),
    ("agent@example.com", "agent"),
    ("customer@example.com", "customer (Mrs Miggins)"),
]


def is_loaded() -> bool:
    from caredesk.accounts.models import User

    return User.objects.filter(email="admin@example.com").exists()


def load(progress=print) -> str:
    from caredesk.accounts.models import User

    User.objects.create_superuser("admin@example.com", PASSWORD, first_name="Ada", last_name="Admin")
    return "1 user"
