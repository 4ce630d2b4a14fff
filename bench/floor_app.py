"""The floor: a bare Flask app rendering the activity list's 25 rows with one SQL query.

No ORM, no login, no forms, no CSRF, no audit: one pooled connection, one SELECT (rows, type,
owner and party joined in SQL, the logged count read from the activity as the app reads it)
and a plain Jinja template. It answers the same path as the real page, so the load test runs
it with the same command; the app's activity list throughput is reported as a ratio of this
one's (`gunicorn bench.floor_app:app`).
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, abort, render_template, request

QUERY = sa.text("""
SELECT a.id, a.title, a.status, a.due_date, t.name_sv AS type_name, u.name AS owner_name,
       c.party, a.target_count, a.logged_count AS logged
FROM activity a
JOIN activity_type t ON t.id = a.type_id
JOIN commitment c ON c.id = a.commitment_id
LEFT JOIN user_account u ON u.id = a.owner_id
WHERE a.municipality_id = :municipality_id AND a.status = :status
  AND (a.due_date >= :date_from OR a.due_date IS NULL)
ORDER BY a.due_date IS NULL, a.due_date, a.id
LIMIT :limit OFFSET :offset
""")
PER_PAGE = 25

app = Flask(__name__, template_folder=str(Path(__file__).with_name("templates")))
engine = sa.create_engine(os.environ["TRACKER_DATABASE_URL"], pool_size=5)


@app.get("/kommuner/<int:municipality_id>/aktiviteter")
def activity_list(municipality_id: int):
    page = max(1, request.args.get("sida", 1, type=int))
    try:
        date_from = date.fromisoformat(request.args.get("fran", "2000-01-01"))
    except ValueError:
        abort(400)
    with engine.connect() as connection:
        rows = connection.execute(QUERY, {
            "municipality_id": municipality_id, "status": request.args.get("status", "planned"),
            "date_from": date_from, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE,
        }).mappings().all()
    return render_template("floor.html", rows=rows, page=page)
