"""How a change of text is shown to users: word by word (templates/includes/diff.html)."""

import difflib
import re

# A word with the spaces after it: a change reads as whole words, not letters or spaces.
_WORDS = re.compile(r"\S+\s*|\s+")


def word_diff(old, new):
    """Word-level differences as (kind, text) pieces: "same", "del" or "ins"."""
    old_words, new_words = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    pieces = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("del", "".join(old_words[a1:a2])))
        if b2 > b1:
            pieces.append(("ins", "".join(new_words[b1:b2])))
    return pieces
