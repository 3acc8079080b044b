from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from groupwork.models import Group, Invitation, Membership, Person
from groupwork.views import send_invitation

# The admin's own login form would take a password alone, with no rate limit and no second
# factor: its login page sends people to allauth's instead.
admin.site.login = secure_admin_login(admin.site.login)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_public"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["first_name", "known_as", "user"]
    search_fields = ["first_name", "known_as", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "role", "represents", "active_from", "active_to"]
    list_filter = ["group", "role"]
    autocomplete_fields = ["person"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """How the administrator invites a group's first facilitator: saving sends the e-mail."""

    list_display = ["first_name", "email", "group", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["group"]
    fields = ["group", "first_name", "known_as", "email", "role", "represents"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            send_invitation(obj, request.build_absolute_uri("/"))
            self.message_user(
                request, _("Inbjudan är skickad till %s.") % obj.email, messages.SUCCESS
            )
