"""Demo data: the sample minutes imported into a second group, so `make run` shows an archive."""

from pathlib import Path

from django.conf import settings

from groupwork.models import Group, Membership
from meetings.importing import files, parser, saving

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples" / "minutes"


def load(group, people, folder=SAMPLES):
    """Import the samples into "Gemensam ledningsgrupp" with Anne as its facilitator.

    The samples live beside the repository, not in it; without them there is nothing to do.
    """
    if not folder.is_dir():
        return
    archive = Group.objects.create(
        name="Gemensam ledningsgrupp",
        slug="ledningsgrupp",
        description="Socialförvaltningen och brukarorganisationerna. Arkivet är importerat.",
    )
    Membership.objects.create(
        group=archive,
        person=people["Anne"],
        role=Membership.Role.FACILITATOR,
        represents="Socialförvaltningen",
    )
    for path in sorted(folder.glob("*.md")):
        data = path.read_bytes()
        minutes = parser.parse(files.read_text(data, path.name), member_names=["Anne"])
        saving.save(minutes, archive, data, path.name)
