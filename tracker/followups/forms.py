"""Forms of the follow-up editor; each carries the version it was opened on."""
from __future__ import annotations

from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from tracker.followups.workflow import MAX_REASON_LENGTH, MAX_SECTION_LENGTH
from tracker.forms import BaseForm, VersionedForm, version_in
from tracker.labels import VERDICT, VERDICT_REASON
from tracker.models import Verdict, VerdictReason
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength


class VersionForm(VersionedForm):
    """A button (approve, publish, recompile, take the new text): CSRF and the version seen."""


class SectionForm(VersionForm):
    text = TextAreaField(_l("Avsnittets text"), validators=[MaxLength(MAX_SECTION_LENGTH)],
                         render_kw={"rows": 18})
    # The section's own version: another section saved meanwhile is not a conflict.
    section_version = HiddenField()

    @property
    def expected_section_version(self) -> int | None:
        return version_in(self.section_version)


class VerdictForm(VersionForm):
    verdict = SelectField(
        _l("Bedömning"),
        choices=[("", _l("Använd den föreslagna bedömningen"))]
        + [(v.value, str(VERDICT[v]).capitalize()) for v in Verdict],
        validators=[Optional()],
    )
    reason_code = SelectField(
        _l("Orsak"),
        choices=[("", _l("Ingen orsak vald"))]
        + [(r.value, str(VERDICT_REASON[r]).capitalize()) for r in VerdictReason],
        validators=[Optional()],
    )
    reason = TextAreaField(_l("Motivering"), validators=[MaxLength(MAX_REASON_LENGTH)],
                           render_kw={"rows": 4})


class CorrectionForm(VersionForm):
    note = TextAreaField(_l("Vad rättas?"), validators=[
        InputRequired(_l("Skriv vad som rättas; texten visas för läsarna.")),
        MaxLength(MAX_REASON_LENGTH, _l("Rättelsen"))], render_kw={"rows": 4})


class CompileForm(BaseForm):
    year = IntegerField(_l("År"), validators=[InputRequired(_l("Välj ett år."))])
