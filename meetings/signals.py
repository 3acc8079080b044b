"""What meetings tell the apps above them (which it may not import)."""

from django.dispatch import Signal

# Sent with meeting= inside the transaction that approved the minutes (actions sends them
# to the group's members after the commit).
minutes_approved = Signal()
