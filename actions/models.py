from datetime import timedelta

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import ValuesIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groupwork.models import Group, Person
from meetings.models import Meeting


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ActionItem.Status.OPEN)

    def owned_by(self, person):
        return self.filter(owners=person)

    def in_order(self):
        """Open before done and dropped; within them overdue first, then by due date."""
        return self.order_by(
            Case(When(status=ActionItem.Status.OPEN, then=0), default=1),
            models.F("due_date").asc(nulls_last=True),
            "id",
        )

    def with_origin(self):
        return self.select_related("group", "meeting", "agenda_item", "study_visit")

    def rows(self):
        """The tasks as rows of a list show them (TaskRow): only the columns shown, as plain
        values rather than model instances with their related rows, and the owners' names by
        one query more. Annotations added after this come with each row (row.total)."""
        rows = self.values(
            "id", "title", "status", "due_date", "group_id", "meeting_id", "agenda_item_id",
            "study_visit_id",
            group_slug=F("group__slug"),
            group_name=F("group__name"),
            meeting_starts_at=F("meeting__starts_at"),
            agenda_item_heading=F("agenda_item__heading"),
            visit_destination=F("study_visit__destination"),
            visit_host=F("study_visit__host"),
        )
        rows._iterable_class = _TaskRows  # as values() sets ValuesIterable
        return rows

    def rows_of(self, chosen):
        """rows() of the tasks whose ids the subquery `chosen` gives, in order (in_order())."""
        return self.filter(pk__in=chosen).in_order().rows()

    def for_start_page(self, person, groups):
        """A person's open tasks in their groups, and those they finished in the last two weeks."""
        recently = timezone.now() - timedelta(days=14)
        # One filter(): each call copies the query (owned_by() is owners=person).
        return (
            self.filter(
                Q(status=ActionItem.Status.OPEN)
                | Q(status=ActionItem.Status.DONE, done_at__gte=recently),
                owners=person,
                group_id__in=[group.pk for group in groups],
            )
            .in_order()
            .rows()
            .with_latest_note()
        )

    def with_latest_note(self):
        """With the text and time of each task's latest progress note (latest_note_text,
        latest_note_at; None without notes), read by the rows' own query."""
        notes = ProgressNote.objects.filter(action_item=OuterRef("pk")).order_by(
            "-created_at", "-id"
        )
        return self.annotate(
            latest_note_text=Subquery(notes.values("text")[:1]),
            latest_note_at=Subquery(notes.values("created_at")[:1]),
        )

    def follow_up_for(self, meeting):
        """The tasks to go through on this meeting's agenda ("Uppföljning").

        The group's open tasks and those done since the previous meeting, except the tasks
        that arose at this meeting itself (they are listed under their items).
        """
        previous_start = (
            Meeting.objects.filter(group_id=meeting.group_id, starts_at__lt=meeting.starts_at)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-starts_at")
            .values("starts_at")[:1]
        )
        since = Coalesce(Subquery(previous_start), Value(meeting.created_at))
        return (
            self.filter(group_id=meeting.group_id)
            .filter(
                Q(status=ActionItem.Status.OPEN)
                | Q(status=ActionItem.Status.DONE, done_at__gte=since)
            )
            .exclude(meeting=meeting)
            .with_origin()
            .in_order()
        )

    def follow_up_rows(self, meeting, limit):
        """The first `limit` tasks of follow_up_for(meeting) as rows, each with follow_up_total
        (how many there are in all), by one query. The rows are chosen first and only they are
        joined to their origin: joining all of them for a window count made Postgres plan a
        parallel worker, for the meeting page and the minutes editor (7–9 ms on the bench data;
        1.4 ms so).

        The tasks are chosen and counted by follow_up_for's rule written out (a test holds the
        two equal): the ORM took longer to build its nested subqueries, the rule twice over, than
        the rows' query itself (9,400 of 16,000 Python calls; for the meeting page and the
        minutes editor)."""
        where, params = _follow_up_where(meeting, connections[self.db])
        # The rows by their ids alone: with the group's filter again, Postgres read every task
        # of the group to find the 30.
        chosen = RawSQL(
            f"SELECT t.id FROM actions_actionitem t WHERE {where} ORDER BY"
            " CASE WHEN t.status = %s THEN 0 ELSE 1 END, t.due_date ASC NULLS LAST, t.id LIMIT %s",
            (*params, ActionItem.Status.OPEN, limit),
            output_field=models.IntegerField(),
        )
        total = RawSQL(
            f"SELECT COUNT(*) FROM actions_actionitem t WHERE {where}",
            params,
            output_field=models.IntegerField(),
        )
        return ActionItem.objects.rows_of(chosen).annotate(follow_up_total=total)


def _follow_up_where(meeting, connection):
    """follow_up_for(meeting)'s filter of the tasks `t`, as SQL and its parameters."""
    adapt = connection.ops.adapt_datetimefield_value
    where = (
        "t.group_id = %s AND (t.meeting_id IS NULL OR t.meeting_id <> %s)"
        " AND (t.status = %s OR t.status = %s AND t.done_at >= COALESCE(("
        "SELECT m.starts_at FROM meetings_meeting m WHERE m.group_id = %s"
        " AND m.starts_at < %s AND m.status <> %s ORDER BY m.starts_at DESC LIMIT 1), %s))"
    )
    params = (
        meeting.group_id,
        meeting.pk,
        ActionItem.Status.OPEN,
        ActionItem.Status.DONE,
        meeting.group_id,
        adapt(meeting.starts_at),
        Meeting.Status.CANCELLED,
        adapt(meeting.created_at),
    )
    return where, params


class TaskRules:
    """What a task (ActionItem) and a row of one (TaskRow) decide alike."""

    def can_be_changed_by(self, membership, user):
        """Whether they may tick it off: a facilitator of its group, or one of its owners."""
        if membership is not None and membership.group_id == self.group_id:
            if membership.is_facilitator:
                return True
        return self.is_owned_by(getattr(user, "person", None))

    @staticmethod
    def overdue(status, due_date, today):
        return status == ActionItem.Status.OPEN and due_date is not None and due_date < today


class TaskRow(TaskRules):
    """One task as a row of tasks shows it (ActionItemQuerySet.rows()): the values read, and
    what the rows' templates ask of a task (templates/jinja2/actions/rows.html, tasks.html)."""

    def __init__(self, values, today):
        self.__dict__.update(values)
        self.pk = self.id
        self.is_overdue = self.overdue(self.status, self.due_date, today)
        self.owner_ids = set()
        self.owner_names = []

    @property
    def study_visit(self):
        """The visit as StudyVisit.__str__ names it; None without one."""
        if self.study_visit_id is None:
            return None
        return self.visit_destination + (f", {self.visit_host}" if self.visit_host else "")

    def get_status_display(self):
        return ActionItem.Status(self.status).label

    def is_owned_by(self, person):
        return person is not None and person.pk in self.owner_ids


class _TaskRows(ValuesIterable):
    """TaskRow objects with their owners' ids and names (ordered as Person is)."""

    def __iter__(self):
        today = timezone.localdate()
        rows = {values["id"]: TaskRow(values, today) for values in super().__iter__()}
        for task_id, person_id, first_name, known_as in _owners(rows, self.queryset.db):
            row = rows[task_id]
            row.owner_ids.add(person_id)
            # As Person.__str__.
            row.owner_names.append(f"{first_name}, {known_as}" if known_as else first_name)
        yield from rows.values()


def _owners(task_ids, using):
    """(task id, person id, first name, known as) of the tasks' owners, in Person's order (a
    test holds it equal to the ORM's owners). Written out: for every list of tasks (the start
    page, the task list, a meeting's follow-up) the ORM took longer to build this query than
    the database to answer it."""
    if not task_ids:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT o.actionitem_id, o.person_id, p.first_name, p.known_as"
            " FROM actions_actionitem_owners o JOIN groupwork_person p ON p.id = o.person_id"
            f" WHERE o.actionitem_id IN ({', '.join(['%s'] * len(task_ids))})"
            " ORDER BY p.first_name, p.known_as, o.person_id",
            list(task_ids),
        )
        return cursor.fetchall()


class ActionItem(TaskRules, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("öppen")
        DONE = "done", _("klar")
        DROPPED = "dropped", _("struken")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("möte"),
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("punkt"),
    )
    study_visit = models.ForeignKey(
        "visits.StudyVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("studiebesök"),
    )
    title = models.CharField(_("uppgift"), max_length=300)
    details = models.TextField(_("detaljer"), blank=True)
    owners = models.ManyToManyField(Person, related_name="action_items", verbose_name=_("ansvariga"))
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[owners])
    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        verbose_name = _("uppgift")
        verbose_name_plural = _("uppgifter")
        indexes = [
            # The group's task list (actions.views.task_list), filtered by status and sorted by
            # due date: its page of ids and its total are read from this index alone.
            models.Index(
                fields=["group", "status", "due_date", "id"], name="action_group_status_due_id"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.group.slug, self.pk])

    # What a task's row reads as a TaskRow does (templates/jinja2/actions/tasks.html: origin).
    @property
    def group_slug(self):
        return self.group.slug

    @property
    def meeting_starts_at(self):
        return self.meeting.starts_at if self.meeting_id else None

    @property
    def agenda_item_heading(self):
        return self.agenda_item.heading if self.agenda_item_id else None

    @property
    def is_overdue(self):
        return self.overdue(self.status, self.due_date, timezone.localdate())

    def is_owned_by(self, person):
        # Iterates the owners so that a prefetch (lists, start page) costs no query.
        return person is not None and any(owner.pk == person.pk for owner in self.owners.all())

    def complete(self, by, note=""):
        """Mark the task done. Returns False if it was done already (a second tab, a double click)."""
        return self._change_status(self.Status.DONE, by, note)

    def reopen(self, by):
        return self._change_status(self.Status.OPEN, by)

    def drop(self, by):
        return self._change_status(self.Status.DROPPED, by)

    def add_note(self, by, text):
        return self.progress_notes.create(author=getattr(by, "person", None), text=text)

    def _change_status(self, status, by, note=""):
        with transaction.atomic():
            # Lock the row: of two tabs ticking off at once, one changes it and the other is told.
            current = type(self).objects.select_for_update().get(pk=self.pk)
            changed = current.status != status
            if changed:
                current.status = status
                current.done_at = timezone.now() if status == self.Status.DONE else None
                current._history_user = by
                current.save(update_fields=["status", "done_at", "updated_at"])
            if note:
                current.add_note(by, note)
        self.status, self.done_at, self.updated_at = current.status, current.done_at, current.updated_at
        return changed


class ProgressNote(models.Model):
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="progress_notes"
    )
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("anteckning"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lägesanteckning")
        verbose_name_plural = _("lägesanteckningar")

    def __str__(self):
        return self.text[:60]


class ReminderSent(models.Model):
    """One row per task and person and day, so that a second run sends nothing new."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "action_item", "sent_on"], name="reminder_sent_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.action_item_id} {self.sent_on}"


class MinutesMail(models.Model):
    """The approved minutes to one person, once per approval (actions/minutes_mail.py).

    Made pending in the transaction that approves the minutes and sent after it; the unique
    constraint and the row lock make sure a double click, a second run or two servers send it
    once. The text sent is kept: after a correction, the next e-mail says what changed.
    """

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="minutes_mails"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # Which approval this is: a correction approved again is a new round.
    approved_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["approved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "approved_at"], name="minutes_mail_once_per_approval"
            ),
        ]
        indexes = [
            # send_minutes (cron) looks for what is still pending.
            models.Index(
                fields=["sent_at"],
                condition=Q(sent_at__isnull=True),
                name="minutes_mail_pending",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.meeting_id} {self.approved_at}"
