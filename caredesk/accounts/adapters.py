from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts are made by admins and customers arrive by ticket: nobody signs themselves up."""

    def is_open_for_signup(self, request) -> bool:
        return False
