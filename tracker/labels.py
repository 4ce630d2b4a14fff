"""Swedish labels for the code's enums (the glossary of docs/domain.md)."""
import re

from tracker.models import (
    ActionStatus,
    ActivityStatus,
    CommitmentKind,
    FindingCategory,
    FollowUpStatus,
    Organisation,
    Party,
    PromiseStatus,
    ResponsibleParty,
    Role,
    TipStatus,
    Verdict,
    VerdictReason,
)
from tracker.translation import lazy_gettext as _l

ROLE = {
    Role.COORDINATOR: _l("samordnare"),
    Role.OFFICER: _l("handläggare/kommunpolis"),
    Role.VIEWER: _l("läsare"),
}
ORGANISATION = {
    Organisation.KOMMUNEN: _l("Kommunen"),
    Organisation.POLISEN: _l("Polisen"),
    Organisation.OTHER: _l("Annan organisation"),
}
PROMISE_STATUS = {
    PromiseStatus.DRAFT: _l("Utkast"),
    PromiseStatus.SIGNED: _l("Undertecknat"),
    PromiseStatus.ACTIVE: _l("Pågående"),
    PromiseStatus.CONCLUDED: _l("Avslutat"),
}
PARTY_HEADING = {
    Party.KOMMUNEN: _l("Kommunen lovar"),
    Party.POLISEN: _l("Polisen lovar"),
    Party.TILLSAMMANS: _l("Tillsammans lovar vi"),
}
# A commitment written as a whole sentence names its party first ("Polisen ska besöka …",
# "Polisen och kommunen genomför …"): a heading "Polisen lovar: Polisen ska …" says it twice
_NAMES_PARTY = {
    Party.POLISEN: re.compile(r"^polisen\b(?! och)", re.I),
    Party.KOMMUNEN: re.compile(r"^(?:kommunen|staden|regionen|[\w-]+ (?:kommun|stad)|"
                               r"region [\w-]+)\b(?! och)", re.I),
    Party.TILLSAMMANS: re.compile(r"^(?:tillsammans|gemensamt|vi\b|(?:polisen|kommunen|staden|"
                                  r"regionen|[\w-]+ (?:kommun|stad)|region [\w-]+) och )", re.I),
}


def names_party_first(party: Party, text: str) -> bool:
    return bool(_NAMES_PARTY[party].match((text or "").strip()))


def promise_heading(label: str, party: Party, text: str) -> str:
    """"Polisen lovar: Genomföra …", or the sentence alone where it names its party first."""
    text = (text or "").strip()
    return text if names_party_first(party, text) else f"{label}: {text}"


PARTY_NAME = {
    Party.KOMMUNEN: _l("Kommunen"),
    Party.POLISEN: _l("Polisen"),
    Party.TILLSAMMANS: _l("Tillsammans"),
}
ACTIVITY_STATUS = {
    ActivityStatus.PLANNED: _l("Planerad"),
    ActivityStatus.IN_PROGRESS: _l("Pågår"),
    ActivityStatus.DONE: _l("Klar"),
    ActivityStatus.CANCELLED: _l("Inställd"),
}
FOLLOWUP_STATUS = {
    FollowUpStatus.DRAFT: _l("Utkast"),
    FollowUpStatus.APPROVED: _l("Godkänd"),
    FollowUpStatus.PUBLISHED: _l("Publicerad"),
}
VERDICT = {
    Verdict.FULFILLED: _l("uppfyllt"),
    Verdict.PARTLY: _l("delvis uppfyllt"),
    Verdict.NOT_FULFILLED: _l("ej uppfyllt"),
    Verdict.ONGOING: _l("pågår"),
    Verdict.NOT_STARTED: _l("ej påbörjat"),
    Verdict.DONE: _l("genomfört"),
    Verdict.CANNOT_ASSESS: _l("kan inte bedömas"),
}
VERDICT_REASON = {
    VerdictReason.NOT_PRIORITISED: _l("ej prioriterat"),
    VerdictReason.RESOURCES: _l("resursbrist"),
    VerdictReason.CHANGED_CONDITIONS: _l("ändrade förutsättningar"),
    VerdictReason.OTHER_ACTOR: _l("beroende av annan aktör"),
    VerdictReason.TOO_EARLY: _l("för tidigt att bedöma"),
    VerdictReason.OTHER: _l("annat"),
}
COMMITMENT_KIND = {
    CommitmentKind.PRESTATION: _l("Prestation – något som kan räknas, med ett mål"),
    CommitmentKind.EFFEKT: _l("Effekt – ett läge som ska nås, till exempel ökad trygghet"),
    CommitmentKind.ARBETSSATT: _l("Arbetssätt – ett sätt att arbeta, utan antal"),
}
COMMITMENT_KIND_SHORT = {
    CommitmentKind.PRESTATION: _l("prestation"),
    CommitmentKind.EFFEKT: _l("effekt"),
    CommitmentKind.ARBETSSATT: _l("arbetssätt"),
}
TIP_STATUS = {
    TipStatus.NEW: _l("Ny"),
    TipStatus.IN_PROGRESS: _l("Under behandling"),
    TipStatus.ANSWERED: _l("Besvarad"),
    TipStatus.ACTIVITY: _l("Blev en aktivitet"),
    TipStatus.DISMISSED: _l("Avfärdad"),
}

# What the resident reads at the status address: answered and dismissed are both closed.
RESIDENT_TIP_STATUS = {
    TipStatus.NEW: _l("Mottaget"),
    TipStatus.IN_PROGRESS: _l("Under behandling"),
    TipStatus.ACTIVITY: _l("Blev en åtgärd"),
    TipStatus.ANSWERED: _l("Avslutat"),
    TipStatus.DISMISSED: _l("Avslutat"),
}

TEMPLATE_GLOBALS = {
    "role_label": ROLE.get,
    "organisation_label": ORGANISATION.get,
    "promise_status_label": PROMISE_STATUS.get,
    "party_heading": PARTY_HEADING.get,
    "party_name": PARTY_NAME.get,
    "activity_status_label": ACTIVITY_STATUS.get,
    "followup_status_label": FOLLOWUP_STATUS.get,
    "verdict_label": VERDICT.get,
    "verdict_reason_label": VERDICT_REASON.get,
    "commitment_kind_label": COMMITMENT_KIND_SHORT.get,
    "tip_status_label": TIP_STATUS.get,
    "resident_tip_status": RESIDENT_TIP_STATUS.get,
}

# Where a promise's problem picture comes from (Promise.sources holds the keys).
SOURCE = {
    "medborgardialog": _l("Medborgardialog"),
    "enkat": _l("Enkät"),
    "trygghetsmatning": _l("Trygghetsmätning"),
    "brottsstatistik": _l("Brottsstatistik"),
    "handelserapporter": _l("Händelserapporter"),
    "medarbetardialog": _l("Medarbetardialog"),
}
TEMPLATE_GLOBALS["source_label"] = SOURCE.get

from tracker.localized import measure_label, type_name  # noqa: E402

TEMPLATE_GLOBALS.update(type_name=type_name, measure_label=measure_label)

FINDING_CATEGORY = {
    FindingCategory.LIGHTING: _l("Belysning"),
    FindingCategory.VEGETATION: _l("Vegetation"),
    FindingCategory.GRAFFITI: _l("Klotter"),
    FindingCategory.LITTER: _l("Nedskräpning"),
    FindingCategory.VANDALISM: _l("Skadegörelse"),
    FindingCategory.TRAFFIC: _l("Trafik"),
    FindingCategory.UNSAFE_PLACE: _l("Otrygg plats"),
    FindingCategory.OTHER: _l("Annat"),
}
RESPONSIBLE_PARTY = {
    ResponsibleParty.KOMMUNEN: _l("Kommunen"),
    ResponsibleParty.POLISEN: _l("Polisen"),
    ResponsibleParty.PROPERTY_OWNER: _l("Fastighetsägare"),
    ResponsibleParty.OTHER: _l("Annan organisation"),
}
ACTION_STATUS = {
    ActionStatus.OPEN: _l("Öppen"),
    ActionStatus.IN_PROGRESS: _l("Pågår"),
    ActionStatus.DONE: _l("Åtgärdad"),
    ActionStatus.CLOSED: _l("Avslutad utan åtgärd"),
}
TEMPLATE_GLOBALS.update(finding_category_label=FINDING_CATEGORY.get,
                        action_status_label=ACTION_STATUS.get)

_TABLES: dict[str, dict] = {"party": PARTY_NAME, "activity_status": ACTIVITY_STATUS,
           "finding_category": FINDING_CATEGORY, "action_status": ACTION_STATUS,
           "responsible_party": RESPONSIBLE_PARTY}


def label_table(name: str) -> dict:
    """A label table translated once, for templates that look a label up on every row."""
    return {key: str(label) for key, label in _TABLES[name].items()}


TEMPLATE_GLOBALS["label_table"] = label_table


def responsible_party_text(action, public: bool = False) -> str:
    """"Kommunen", "Fastighetsägare: Bostadsbolaget AB". Publicly a property owner stays
    unnamed: it may be a private person."""
    label = str(RESPONSIBLE_PARTY[action.party])
    if action.party_name and not (public and action.party == ResponsibleParty.PROPERTY_OWNER):
        return f"{label}: {action.party_name}"
    return label


TEMPLATE_GLOBALS["responsible_party_text"] = responsible_party_text
