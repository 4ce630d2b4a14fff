"""Exports of the activity list and its log entries, with the list page's filters."""
from __future__ import annotations

import io

from flask import Response, abort, request, stream_with_context
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from tracker import policies
from tracker.formatting import local_today
from tracker.models import Municipality
from tracker.services import spreadsheets
from tracker.services.activity_read import filters_from_args
from tracker.spreadsheets import bp
from tracker.web import load_or_404, require

SHEETS = {"aktiviteter": spreadsheets.activity_sheet,
          "genomforanden": spreadsheets.log_entry_sheet}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/kommuner/<int:municipality_id>/export/<what>.<fmt>")
@login_required
def export(municipality_id: int, what: str, fmt: str):
    if what not in SHEETS or fmt not in ("csv", "xlsx"):
        abort(404)
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_view(current_user, municipality))
    sheet = SHEETS[what](municipality.id, filters_from_args(request.args), local_today())
    filename = secure_filename(f"{what}-{municipality.slug}-{local_today().isoformat()}.{fmt}")
    if fmt == "csv":
        response = Response(stream_with_context(spreadsheets.csv_chunks(sheet)),
                            mimetype="text/csv")  # Werkzeug adds "; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # openpyxl's write-only mode streams the rows to a temporary file; only the compressed
    # workbook (a few dozen bytes a row) is held in memory.
    target = io.BytesIO()
    spreadsheets.write_xlsx(sheet, target)
    return Response(target.getvalue(), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
