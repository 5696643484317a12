"""The provenance of a verdict (BT404-BT407).

Rationales, words on the record, attributed titles, reliability reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...finding import Severity
from ...records import (
    Claim,
    KnowledgeBase,
    Status,
)
from ..context import CheckContext
from ..provenance import (
    Provenance,
    on_record,
    on_record_kind,
    publication_of,
    speaker_publication,
)
from ..rule import Problem, Rule


def claim_needs_rationale(ctx: CheckContext) -> Iterator[Problem]:
    """
    A status is a verdict, and a reader needs its reason for this claim, not the generic
    definition of the status: `rationale:` says, in the desk's words, why the claim is
    `confirmed`, `reported`, `disputed`, `denied` or `unverified`, citing the evidence (who
    said it, where we read it, what is missing). The status grades the standing of the
    account, not its truth; the rationale is where that is explained. Add the key.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        if claim.rationale is None:
            yield Problem(
                claim.pos("status"),
                f"the status '{claim.status}' has no rationale; add 'rationale:' saying why, "
                "citing the evidence",
            )


def on_record_needs_words(ctx: CheckContext) -> Iterator[Problem]:
    """
    A named person or a document is on the record only in words we hold: a `quote` of
    theirs, the document's own `archive`, or the archived transcript or statement we read it
    in. A participant listed without a word of theirs, or a document known only from an
    article's paraphrase, confirms nothing. When such an attribution is the only on-record
    support of a `confirmed` claim and no two independent accounts carry it, add the quote
    or the archive, or set the status to `reported`.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        if claim.status != Status.CONFIRMED:
            continue
        atts = claim.attributions
        named = [a for a in atts if on_record_kind(kb, a)]
        if not named or any(on_record(kb, a) for a in named):
            continue
        if Provenance(kb).independent_pair(atts):
            continue
        who = ", ".join(dict.fromkeys(f"'{a.source}'" for a in named))
        yield Problem(
            claim.pos("status"),
            f"this claim is confirmed on the word of {who}, but no attribution holds their "
            "words; add a quote (or an archive of the document), or set the status to "
            "'reported'",
        )


# Words by which a title says that it reports an account rather than states a fact.
_REPORTING = re.compile(
    r"\b(?:reportedly|reports?|reported|reporting|says?|said|saying|according|told|tells|"
    r"claims?|claimed|cites?|cited|citing|allegedly|alleges?|alleged|describes?|described|"
    r"calls?|called|announces?|announced|denies|denied|insists?|insisted|warns?|warned|"
    r"paraphrases?|paraphrased|summary|summari[sz]es)\b",
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _mentions(title: str, name: str, by_last_word: bool) -> bool:
    """Whether the title names ``name``: in full, or by its last word (a surname, 'Axios')."""
    folded = title.casefold()
    name = name.strip().casefold()
    if not name:
        return False
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded):
        return True
    if not by_last_word:
        return False
    words = _WORD.findall(name)
    last = words[-1] if words else ""
    return len(last) >= 4 and re.search(rf"(?<!\w){re.escape(last)}(?!\w)", folded) is not None


def _names_in_chains(kb: KnowledgeBase, claim: Claim) -> list[tuple[str, bool]]:
    """Each name the title could give the account by, and whether its last word will do."""
    names: list[tuple[str, bool]] = []
    for att in claim.attributions:
        for pub in (speaker_publication(kb, att), publication_of(kb, att)):
            if pub is not None:
                # A publication's title is descriptive ("… talks in Berlin"): only the whole
                # of it, or "the article", names it.
                names += [(pub.title, False), (f"the {pub.kind}", False)]
        for sid in (att.source, *att.via):
            source = kb.sources.get(sid)
            if source is None:
                continue
            names += [(source.name, True), (sid.replace("-", " "), False)]
    return names


def reported_title_attributes(ctx: CheckContext) -> Iterator[Problem]:
    """
    A `reported` claim rests on anonymous or second-hand attribution, so a title that states
    it as fact ("The U.S. pressed Kyiv to withdraw") says more than the evidence carries; a
    reader who sees only the title takes it as established. The title should say who reports
    it ("AFP: the U.S. pressed Kyiv…", "U.S. officials say…") or that it is reported
    ("reportedly"). The check is a heuristic: the title names none of the claim's sources,
    intermediaries or publications ("the article" names its publication) and has no
    reporting word (reportedly, reports, says, said, according, told, claims, cited…).
    Rewrite the title, or accept the warning with an exception saying why the title is
    attributed already.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        if claim.status != Status.REPORTED:
            continue
        if _REPORTING.search(claim.title):
            continue
        if any(_mentions(claim.title, n, last) for n, last in _names_in_chains(kb, claim)):
            continue
        yield Problem(
            claim.pos("title"),
            "this reported claim's title states the report as fact; say who reports it "
            "('AFP: …', '… officials say') or write 'reportedly'",
        )


def reliability_needs_reason(ctx: CheckContext) -> Iterator[Problem]:
    """
    A reliability grade (A–F) is a judgement, and the source page shows its basis:
    `reliability_reason:` gives it in one line (a track record, a first-hand participant with
    an interest in the outcome, an unnamed source that cannot be judged). Add the key.
    """
    kb = ctx.kb
    for source in kb.sources.values():
        if source.reliability_reason is None:
            yield Problem(
                source.pos("reliability"),
                f"the reliability grade {source.reliability} has no stated basis; add "
                "'reliability_reason:' in one line",
            )


RULES = (
    Rule.of(
        "BT404",
        Severity.ERROR,
        "A claim without a rationale",
        group="attribution",
        exemptable=False,
        check=claim_needs_rationale,
    ),
    Rule.of(
        "BT405",
        Severity.ERROR,
        "A confirmed claim whose on-record support has no words of the speaker",
        group="attribution",
        check=on_record_needs_words,
    ),
    Rule.of(
        "BT406",
        Severity.WARNING,
        "A reported claim whose title states the report as fact",
        group="attribution",
        check=reported_title_attributes,
    ),
    Rule.of(
        "BT407",
        Severity.ERROR,
        "A source without the reason for its reliability grade",
        group="attribution",
        exemptable=False,
        check=reliability_needs_reason,
    ),
)
