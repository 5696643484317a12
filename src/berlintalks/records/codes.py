"""The codes the records stage reports (reading, parsing and validating files), as data.

The parser, the loader and the validator stamp their findings with these declarations; the
check registry lists them beside the rules' codes, so `check --explain` and the methodology
page describe them too.
"""

from __future__ import annotations

from ..finding import Code, Severity
from .fields import SLUG_MAX
from .limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

YAML_SYNTAX = Code(
    "BT001",
    Severity.ERROR,
    "The file is not well-formed YAML",
    """
    The parser stopped at the position shown. Common causes: a tab used for indentation
    (YAML allows spaces only), a colon inside an unquoted value, an unclosed quote or
    bracket. Fix the text at that line; quoting the value usually helps.
    """,
    group="syntax",
    exemptable=False,
)
NOT_UTF8 = Code(
    "BT002",
    Severity.ERROR,
    "The file is not UTF-8 text",
    """
    Records must be saved as UTF-8. The position shows the first byte that is not valid
    UTF-8; re-save the file as UTF-8 in your editor.
    """,
    group="syntax",
    exemptable=False,
)
EMPTY_FILE = Code(
    "BT003",
    Severity.ERROR,
    "The file is empty",
    """
    A record file holds one record. Fill it in (`berlintalks new claim ID` writes a skeleton)
    or delete the file.
    """,
    group="syntax",
    exemptable=False,
)
NOT_ONE_MAPPING = Code(
    "BT004",
    Severity.ERROR,
    "The file does not hold a single mapping of keys",
    """
    A record is one YAML mapping (`key: value` lines) and one document per file, not a list
    or a bare value.
    """,
    group="syntax",
    exemptable=False,
)
DUPLICATE_KEY = Code(
    "BT005",
    Severity.ERROR,
    "A key appears twice in the same mapping",
    """
    YAML would silently keep only one of the two values, so the record would not say what
    the file shows. Keep one of them.
    """,
    group="syntax",
    exemptable=False,
)
FORBIDDEN_TAG = Code(
    "BT006",
    Severity.ERROR,
    "A YAML tag that records may not use",
    """
    Records hold plain text, numbers, dates, lists and mappings. Tags such as
    `!!python/object` ask a loader to build program objects; berlintalks never does that
    and refuses the file. Remove the tag.
    """,
    group="syntax",
    exemptable=False,
)
OVER_LIMIT = Code(
    "BT007",
    Severity.ERROR,
    "The file exceeds a size, nesting or alias limit",
    f"""
    A record file may be at most {MAX_FILE_BYTES // 1024} KiB, nest at most {MAX_DEPTH}
    levels deep and expand (through anchors and aliases) to at most {MAX_NODES:,} values.
    Real records are far below these limits; they stop hostile files from exhausting
    memory or time.
    """,
    group="syntax",
    exemptable=False,
)
NOT_A_RECORD_FILE = Code(
    "BT008",
    Severity.ERROR,
    "The file cannot be a record",
    """
    Record files live in claims/ or sources/, end in `.yaml`, and are named by the record's
    id: lowercase letters, digits and single hyphens (e.g. `us-pressed-donetsk-withdrawal`).
    Rename the file.
    """,
    group="files",
    exemptable=False,
)
UNREADABLE_FILE = Code(
    "BT009",
    Severity.ERROR,
    "A file or link points outside the knowledge base, or cannot be read",
    """
    berlintalks reads only files inside the repository. A symbolic link that leads elsewhere
    could expose files of the machine running the build, so it is refused. Replace the link
    with the file itself.
    """,
    group="files",
    exemptable=False,
)
MISSING_KEY = Code(
    "BT101",
    Severity.ERROR,
    "A required key is missing",
    "Every claim needs id, title, statement, status, date, topics and attributions; every "
    "source needs id, name, kind and reliability; nested entries need their own required "
    "keys. Add the key.",
    group="schema",
    exemptable=False,
)
UNKNOWN_KEY = Code(
    "BT102",
    Severity.ERROR,
    "Unknown key",
    "The key is not part of the model, usually a typo. The message suggests the closest "
    "known key; `berlintalks schema claim` lists them all.",
    group="schema",
    exemptable=False,
)
WRONG_TYPE = Code(
    "BT103",
    Severity.ERROR,
    "A value has the wrong type",
    """
    A text field holds a number or a list, a list field holds a single value, and so on.
    YAML reads unquoted `yes`, `no`, `on`, `off`, `true` and `false` as booleans and bare
    numbers as numbers: put such values in quotes.
    """,
    group="schema",
    exemptable=False,
)
NOT_A_CHOICE = Code(
    "BT104",
    Severity.ERROR,
    "A value is not one of the allowed choices",
    "status, kind, reliability and relation types take fixed values; the message lists them "
    "and suggests the closest.",
    group="schema",
    exemptable=False,
)
NOT_A_DATE = Code(
    "BT105",
    Severity.ERROR,
    "Not a real calendar date",
    "Dates are written YYYY-MM-DD and must exist (no 30 February).",
    group="schema",
    exemptable=False,
)
NOT_AN_ID = Code(
    "BT106",
    Severity.ERROR,
    "Not a valid id",
    f"""
    Ids, topic slugs and references are lowercase letters, digits and single hyphens, at most
    {SLUG_MAX} characters, e.g. `zaporizhzhia-npp`. They become file names and addresses on
    the site, so nothing else is accepted.
    """,
    group="schema",
    exemptable=False,
)
NOT_A_LINK = Code(
    "BT107",
    Severity.ERROR,
    "A URL that cannot become a link",
    """
    Only http and https addresses become links on the site; `javascript:`, `data:` and other
    schemes could run code in a reader's browser. Give the full https address. Refused too,
    because the text shown and the place the link leads to would differ: user info before
    the host (`https://www.google.com@evil.example/` leads to evil.example), spaces, control
    and invisible characters (zero-width spaces, the BOM, direction controls), a port that is
    not a number from 0 to 65535, an empty host or an empty part of one, dots other than `.`
    in the host (`。`, `．`), and a host part that mixes scripts (a Cyrillic `а` in
    `аpple.com`; Latin with Chinese, Japanese or Korean is fine, as Unicode TS #39 allows).
    An internationalised host such as `münchen.de` is shown as written and linked in its
    ASCII form (`xn--mnchen-3ya.de`).
    """,
    group="schema",
    exemptable=False,
)
ARCHIVE_PATH = Code(
    "BT108",
    Severity.ERROR,
    "An archive path that is not a plain file under archive/",
    """
    An archive is a plain text file under the folder `archive/`, named by a path relative to
    the root such as `archive/afp-2025-12-15.txt`: no leading `/`, no `..`, no dotfile or
    dot-folder anywhere in it (`.git/config` holds a CI token, `.env` files hold secrets), and
    no symbolic link on the way. Anything else is refused unread, so no other file of the
    repository or the machine can be shown as the "closest passage" of a missed quote. Move
    the snapshot into `archive/` and give its path.
    """,
    group="schema",
    exemptable=False,
)
EMPTY_LIST = Code(
    "BT109",
    Severity.ERROR,
    "An empty list where entries are required",
    "A claim needs at least one topic and at least one attribution.",
    group="schema",
    exemptable=False,
)
ONE_OF_VALUE = Code(
    "BT110",
    Severity.ERROR,
    "A figure needs exactly one of value or values",
    "Give `value: 90` for a single number, or `values: [50, 50]` for a split, not both and "
    "not neither.",
    group="schema",
    exemptable=False,
)
ID_NOT_FILE_NAME = Code(
    "BT111",
    Severity.ERROR,
    "The id differs from the file name",
    "A record's id is its file name without `.yaml`, so links and file names agree. Make the "
    "two the same.",
    group="schema",
    exemptable=False,
)
DUPLICATE_ID = Code(
    "BT112",
    Severity.ERROR,
    "Two records have the same id",
    "Ids are unique within claims and within sources, even across subfolders. Rename one.",
    group="schema",
    exemptable=False,
)

CODES: tuple[Code, ...] = (
    YAML_SYNTAX,
    NOT_UTF8,
    EMPTY_FILE,
    NOT_ONE_MAPPING,
    DUPLICATE_KEY,
    FORBIDDEN_TAG,
    OVER_LIMIT,
    NOT_A_RECORD_FILE,
    UNREADABLE_FILE,
    MISSING_KEY,
    UNKNOWN_KEY,
    WRONG_TYPE,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NOT_AN_ID,
    NOT_A_LINK,
    ARCHIVE_PATH,
    EMPTY_LIST,
    ONE_OF_VALUE,
    ID_NOT_FILE_NAME,
    DUPLICATE_ID,
)

# The field kinds still name their codes as text; they are looked up here.
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
