"""How people's names look in Swedish text: the patterns the import of minutes and the
privacy check share, so that a name one of them reads the other reads too.

Regular-expression fragments (strings), to be built into larger patterns.
"""

# The capital letters a Swedish or Nordic name starts with ("Åsa", "Ørjan", "Émile").
UPPER = "A-ZÅÄÖÆØÜÉÈ"
# The small letters it continues with ("Bjørn", "Therése", "Hélène").
LOWER = "a-zåäöæøüéèá"
# A first name, a double one too: "Anne", "Eva-Lena".
FIRST_NAME = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?"
# A capitalised word of a name, with the parts of a double name: "Lindberg-Mohlin".
NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}]?[{LOWER}]+)*"
