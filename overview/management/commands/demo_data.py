from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from actions import demo as actions_demo
from groupwork.models import Group, Membership, Person
from meetings import demo as meetings_demo
from meetings import import_demo
from publishing.gate import publish_demo
from visits import demo as visits_demo

DEMO_PASSWORD = "demo-losen-2026"
DEMO_SLUG = "foraldragruppen"

# A facilitator and eight members, as in the sample minutes of a parents' group.
PEOPLE = [
    ("Anne", "", "anne@exempel.se", Membership.Role.FACILITATOR, "Socialförvaltningen, samordnare"),
    ("Barbro", "", "barbro@exempel.se", Membership.Role.MEMBER, "Föräldrarepresentant"),
    ("Eva", "", "eva@exempel.se", Membership.Role.MEMBER, "Familjehemsavdelningen"),
    ("Carina", "", "carina@exempel.se", Membership.Role.MEMBER, "Föräldrarepresentant"),
    ("Tina", "", "tina@exempel.se", Membership.Role.MEMBER, "Föräldrarepresentant"),
    ("Annika", "", "annika@exempel.se", Membership.Role.MEMBER, "Utredning/uppföljning"),
    ("Cecilia", "", "cecilia@exempel.se", Membership.Role.MEMBER, "Föräldrarepresentant"),
    ("Marie", "", "marie@exempel.se", Membership.Role.MEMBER, "Socialförvaltningen"),
    ("Linda", "", "linda@exempel.se", Membership.Role.MEMBER, "Familjebehandling"),
]


class Command(BaseCommand):
    help = "Loads a realistic demo group (once; a second run keeps the data)."

    def handle(self, *args, **options):
        if Group.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"\nDemo logins (password {DEMO_PASSWORD}, or ask for a login code by e-mail;"
            " in development the code is printed in this console):\n"
            "  facilitator: anne@exempel.se\n"
            "  member:      barbro@exempel.se (also eva@, carina@, tina@, annika@ ...)\n"
            "  admin:       admin@exempel.se (Django admin at /admin/)\n"
        )

    def _load(self):
        group = Group.objects.create(
            name="Föräldragruppen",
            slug=DEMO_SLUG,
            is_public=True,
            description=(
                "Föräldrar med placerade barn och medarbetare i socialtjänsten arbetar "
                "tillsammans för att förbättra hur socialtjänsten möter föräldrar."
            ),
        )
        people = {}
        for first_name, known_as, email, role, represents in PEOPLE:
            user = _user(email)
            person = Person.objects.create(user=user, first_name=first_name, known_as=known_as)
            Membership.objects.create(group=group, person=person, role=role, represents=represents)
            people[first_name] = person
        admin = _user("admin@exempel.se")
        admin.is_staff = admin.is_superuser = True
        admin.save()
        # Each app adds its part of the demo below, so that make run shows every feature.
        meetings_demo.load(group, people)
        visits_demo.load(group, people)
        actions_demo.load(group, people)
        import_demo.load(group, people)
        # The public mirror: the newest approved minutes and marked reports, if they pass.
        publish_demo(group, people["Anne"].user)
        return group, people


def _user(email):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=DEMO_PASSWORD
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
