from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: accounts are made by accepting an invitation."""

    def is_open_for_signup(self, request):
        return False
