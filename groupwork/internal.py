"""Passages a facilitator marked internal ([intern] … [/intern]) never leave the group's
pages: not to the public site (publishing) and not into an e-mail (actions)."""

import re

# [intern] … [/intern], also as people type it: "[ Intern ]", "\\[intern\\]", "［intern］".
_MARKER = re.compile(r"\\?[\[［]\s*(?:(/)\s*)?intern\s*\\?[\]］]", re.IGNORECASE)


def without_internal(text, keep_lines=False):
    """The text without its internal passages, nested ones included: (text, balanced).

    A passage left open hides the rest of the text; a closing marker with nothing open hides
    everything before it (its opening marker was mistyped). Either makes the text unbalanced,
    a finding to fix. keep_lines keeps a hidden passage's line breaks, so that line numbers
    still match the editor.
    """
    out, depth, pos, balanced = [], 0, 0, True

    def hide(part):
        return "\n" * part.count("\n") if keep_lines else ""

    for m in _MARKER.finditer(text or ""):
        part = text[pos : m.start()]
        out.append(part if depth == 0 else hide(part))
        if not m.group(1):
            depth += 1
        elif depth:
            depth -= 1
        else:
            balanced = False
            out = [hide("".join(out))]
        pos = m.end()
    rest = (text or "")[pos:]
    out.append(rest if depth == 0 else hide(rest))
    return "".join(out), balanced and depth == 0


def cut_internal(obj, *fields):
    """obj with each of `fields` (text fields) set to its text without internal passages, in
    memory only, for a reader outside the editor (the projector, the e-mailed minutes)."""
    for name in fields:
        setattr(obj, name, without_internal(getattr(obj, name))[0].strip())
    return obj
