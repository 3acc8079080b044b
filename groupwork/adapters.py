from allauth.account import auth_backends
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model


class InvitationOnlyAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: accounts are made by accepting an invitation."""

    def is_open_for_signup(self, request):
        return False


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    """allauth's login by e-mail, with the person fetched along with the user: every staff
    page needs both."""

    def get_user(self, user_id):
        user = (
            get_user_model()._default_manager.select_related("person").filter(pk=user_id).first()
        )
        return user if user and self.user_can_authenticate(user) else None
