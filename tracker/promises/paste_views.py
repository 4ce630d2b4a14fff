""""Börja från ert publicerade medborgarlöfte": paste the text or upload it, correct the
preview, save it as a draft. The preview travels in the form, so nothing is stored until saved."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import policies
from tracker.extensions import db
from tracker.models import PARTY_ORDER, Municipality
from tracker.promises import bp
from tracker.promises.paste_forms import (
    MAX_COMMITMENTS,
    MAX_FOCUS_AREAS,
    NO_AREA,
    PasteForm,
    PreviewForm,
)
from tracker.services import DomainError, FieldErrors
from tracker.services.limits import row_id
from tracker.services.promises import documents, from_text, pasted
from tracker.services.promises.from_text import (
    MAX_SIGNATORIES,
    CommitmentDraft,
    FocusAreaDraft,
    PromiseDraft,
    SignatoryDraft,
)
from tracker.services.promises.text_sentences import target_for_period
from tracker.translation import gettext as _
from tracker.translation import ngettext
from tracker.web import attach_error, load_or_404, require

PARTIES = tuple(party.value for party in PARTY_ORDER)


def _editable_municipality(municipality_id: int) -> Municipality:
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_edit(current_user, municipality))
    return municipality


@bp.route("/kommuner/<int:municipality_id>/loften/fran-text", methods=["GET", "POST"])
@login_required
def paste(municipality_id: int):
    municipality = _editable_municipality(municipality_id)
    form = PasteForm()
    if form.validate_on_submit():
        try:
            text, origin = _submitted_text(form)
            draft = from_text.parse_promise_text(text)
        except DomainError as error:
            field = "file" if request.files.get("file") and error.field == "text" else error.field
            attach_error(form, DomainError(error.message, field))
        else:
            preview = PreviewForm(formdata=None, data=_form_data(draft, origin))
            return _render_preview(municipality, preview, draft)
    status = 422 if request.method == "POST" else 200
    return render_template("promises/paste.html", form=form, municipality=municipality,
                           max_mb=current_app.config["PROMISE_UPLOAD_MAX_BYTES"] / 1024 / 1024,
                           ), status


def _submitted_text(form: PasteForm) -> tuple[str, str]:
    upload = form.file.data
    has_file = bool(upload and getattr(upload, "filename", ""))
    has_text = bool((form.text.data or "").strip())
    if has_file and has_text:
        raise DomainError(_("Klistra in texten eller välj en fil, inte båda."), "text")
    if not has_file:
        return form.text.data or "", "text"
    limit = current_app.config["PROMISE_UPLOAD_MAX_BYTES"]
    return documents.text_of_upload(upload.filename, upload.read(limit + 1), limit)


@bp.post("/kommuner/<int:municipality_id>/loften/fran-text/granska")
@login_required
def paste_preview(municipality_id: int):
    """One form, several buttons: add a row, regroup after changes, or save the draft."""
    municipality = _editable_municipality(municipality_id)
    form = PreviewForm()
    _drop_removed(form)
    _follow_period(form)
    action = request.form.get("action", "")
    status = 200
    if action == "save":
        if form.validate_on_submit():
            draft, fields = _draft_of(form)
            try:
                promise = pasted.save_draft(current_user, municipality.id, draft,
                                            form.origin.data or "text")
            except DomainError as error:
                db.session.rollback()
                _show_refusal(form, error, fields)
            else:
                db.session.commit()
                flash(_("Medborgarlöftet är sparat som utkast. Kontrollera det och underteckna "
                        "när det är klart."), "success")
                return redirect(url_for("promises.show", promise_id=promise.id))
        status = 422
    elif action == "add_area" and len(form.focus_areas) < MAX_FOCUS_AREAS:
        form.focus_areas.append_entry()
    elif action.startswith("add:") and len(form.commitments) < MAX_COMMITMENTS:
        _kind, area, party = (action.split(":") + ["", ""])[:3]
        if party in PARTIES and (area == NO_AREA or area in _area_keys(form)):
            form.commitments.append_entry({"area": area, "party": party})
    return _render_preview(municipality, form, None, status)


# ---------------------------------------------------------------- form ⇄ draft

def _form_data(draft: PromiseDraft, origin: str) -> dict:
    commitments = [{"text": c.text, "party": c.party, "target_count": c.target_count,
                    "target_note": c.target_note, "area": str(index)}
                   for index, area in enumerate(draft.focus_areas) for c in area.commitments]
    commitments += [{"text": c.text, "party": c.party, "target_count": c.target_count,
                     "target_note": c.target_note, "area": NO_AREA}
                    for c in draft.other_commitments]
    signatories = [{"name": s.name, "title": s.title} for s in draft.signatories]
    signatories += [{}] * (MAX_SIGNATORIES - len(signatories))
    return {
        "origin": origin, "read_years": str(_years(draft.start_year, draft.end_year) or ""),
        "title": draft.title, "start_year": draft.start_year,
        "end_year": draft.end_year, "problem_picture": draft.problem_picture,
        "sources": draft.sources, "sources_note": draft.sources_note,
        "signatories": signatories[:MAX_SIGNATORIES],
        "focus_areas": [{"title": a.title, "description": a.description}
                        for a in draft.focus_areas],
        "commitments": commitments,
    }


def _key(entry) -> str:
    """A row's number in its field name ("focus_areas-3" → "3"), stable across submissions."""
    return entry.name.rsplit("-", 1)[1]


def _area_keys(form: PreviewForm) -> list[str]:
    return [_key(entry) for entry in form.focus_areas]


def _drop_removed(form: PreviewForm) -> None:
    """Rows ticked "Ta bort" leave; a removed focus area's commitments stay, without one."""
    removed = {_key(e) for e in form.focus_areas if e.form.remove.data}
    form.focus_areas.entries = [e for e in form.focus_areas if not e.form.remove.data]
    form.commitments.entries = [e for e in form.commitments if not e.form.remove.data]
    for entry in form.commitments:
        if entry.form.area.data in removed or entry.form.area.data not in (
                {NO_AREA, *_area_keys(form)}):
            entry.form.area.data = NO_AREA


def _years(start: int | None, end: int | None) -> int | None:
    return end - start + 1 if start and end and start <= end else None


def _follow_period(form: PreviewForm) -> None:
    """Targets read from a yearly count follow a period changed in the preview (60 for "30
    per år" over two years, 90 over three); targets set by hand stay."""
    years = _years(form.start_year.data, form.end_year.data)
    read = row_id(form.read_years.data) or None
    if years is None or years == read:
        return
    changed = 0
    for entry in form.commitments:
        row = entry.form
        before = (row.target_count.data, row.target_note.data or "")
        after = target_for_period(row.text.data or "", *before, read, years)
        if after != before:
            row.target_count.data, row.target_note.data = after
            row.target_count.raw_data = None  # shown from the new value, not the sent one
            changed += 1
    form.read_years.data = str(years)
    if changed:
        flash(ngettext("Målet för %(num)s åtagande räknades per år och är omräknat för "
                       "periodens längd.",
                       "Målen för %(num)s åtaganden räknades per år och är omräknade för "
                       "periodens längd.", changed), "info")


def _draft_of(form: PreviewForm) -> tuple[PromiseDraft, dict]:
    """The corrected preview, and which form field each of the service's error keys means."""
    fields = {name: form[name] for name in (
        "title", "start_year", "end_year", "problem_picture", "sources", "sources_note")}
    fields["signatories"] = form.signatories.entries[0].form.name
    draft = PromiseDraft(
        title=form.title.data or "", start_year=form.start_year.data,
        end_year=form.end_year.data, problem_picture=form.problem_picture.data or "",
        sources=list(form.sources.data or []), sources_note=form.sources_note.data or "",
        signatories=[SignatoryDraft(e.form.name.data or "", e.form.title.data or "")
                     for e in form.signatories],
    )
    rows = [e for e in form.commitments if (e.form.text.data or "").strip()]
    for entry in form.focus_areas:
        mine = [row for row in rows if row.form.area.data == _key(entry)]
        if not mine and not (entry.form.title.data or "").strip():
            continue  # an empty focus area row is left out
        prefix = f"focus_areas-{len(draft.focus_areas)}-"
        fields[prefix + "title"] = entry.form.title
        fields[prefix + "description"] = entry.form.description
        area = FocusAreaDraft(entry.form.title.data or "", entry.form.description.data or "")
        area.commitments = _commitments(mine, prefix, fields)
        draft.focus_areas.append(area)
    draft.other_commitments = _commitments(
        [row for row in rows if row.form.area.data == NO_AREA], "other_", fields)
    return draft, fields


def _commitments(rows: list, prefix: str, fields: dict) -> list[CommitmentDraft]:
    found = []
    for index, row in enumerate(rows):
        for key in ("text", "party", "target_count", "target_note", "focus_area_id"):
            fields[f"{prefix}commitments-{index}-{key}"] = (
                row.form.party if key == "party" else
                row.form.target_count if key == "target_count" else
                row.form.target_note if key == "target_note" else row.form.text)
        found.append(CommitmentDraft(row.form.party.data, row.form.text.data or "",
                                     target_count=row.form.target_count.data,
                                     target_note=row.form.target_note.data or ""))
    return found


def _show_refusal(form: PreviewForm, error: DomainError, fields: dict) -> None:
    messages = error.errors if isinstance(error, FieldErrors) else {error.field: error.message}
    for key, message in messages.items():
        field = fields.get(key)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]


# ---------------------------------------------------------------- the page

def _render_preview(municipality: Municipality, form: PreviewForm,
                    draft: PromiseDraft | None, status: int = 200):
    areas = list(form.focus_areas)
    choices = [(NO_AREA, _("Inget fokusområde (Övriga löften)"))] + [
        (_key(e), e.form.title.data or _("Fokusområde utan rubrik (%(n)d)", n=number))
        for number, e in enumerate(areas, start=1)]
    for entry in form.commitments:
        entry.form.area.choices = choices
        if entry.form.party.data not in PARTIES:
            entry.form.party.data = PARTIES[-1]
    groups = []
    number = 0
    for key, area in [(_key(e), e) for e in areas] + [(NO_AREA, None)]:
        parties = []
        for party in PARTY_ORDER:
            rows = [e for e in form.commitments
                    if e.form.area.data == key and e.form.party.data == party.value]
            parties.append((party, [(number + i, row) for i, row in enumerate(rows, start=1)]))
            number += len(rows)
        groups.append((key, area, parties))
    return render_template(
        "promises/paste_preview.html", form=form, municipality=municipality, draft=draft,
        groups=groups, errors=_error_summary(form), can_add_area=len(areas) < MAX_FOCUS_AREAS,
        can_add_commitment=len(form.commitments) < MAX_COMMITMENTS,
    ), status


def _error_summary(form: PreviewForm) -> list[tuple[str, str, list[str]]]:
    """(field id, label, messages) for every field with an error, rows included."""
    found = []
    for field in form:
        if field.type == "FieldList":
            for entry in field:
                found += [(sub.id, str(sub.label.text), list(sub.errors))
                          for sub in entry.form if sub.errors]
        elif field.errors and field.type != "CSRFTokenField":
            found.append((field.id, str(field.label.text), list(field.errors)))
    return found
