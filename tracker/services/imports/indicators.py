"""The indicator-values template: one row is one indicator's value for one year."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.extensions import db
from tracker.formatting import number_sv
from tracker.models import Indicator, Municipality, User
from tracker.services import FieldErrors
from tracker.services.imports import Column, RowErrors
from tracker.services.imports import cells as c
from tracker.services.indicator_values import save_indicator_value
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l

COLUMNS = [
    Column("indicator", "Indikator", required=True, hint=_l("Indikatorns namn eller nyckel")),
    Column("year", "År", required=True, hint=_l("t.ex. 2025")),
    Column("value", "Värde", required=True, hint=_l("Kommunens värde, t.ex. 12,5")),
    Column("national", "Riket", hint=_l("Värdet för hela landet (frivilligt)")),
    Column("note", "Anmärkning", hint=_l("Källa eller kommentar (frivillig)")),
]
HEADER = {col.key: col.header for col in COLUMNS}
FIELDS = {"year": "year", "value": "value", "national_value": "national", "source_note": "note"}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Context:
    actor: User
    municipality_id: int
    indicators: dict[str, Indicator]
    seen: dict[tuple[int, int], int] = field(default_factory=dict)  # (indicator, year) → row


class IndicatorImporter:
    kind = "indikatorer"
    title = _l("Indikatorvärden")
    columns = COLUMNS

    def prepare(self, actor: User, municipality: Municipality, options: dict) -> Context:
        indicators: dict[str, Indicator] = {}
        for indicator in db.session.scalars(sa.select(Indicator)):
            indicators[_norm(indicator.key)] = indicators[_norm(indicator.name)] = indicator
        return Context(actor, municipality.id, indicators)

    def apply_row(self, ctx: Context, values: dict, number: int) -> str:
        errors: list[str] = []
        word = c.text(values.get("indicator"))
        indicator = ctx.indicators.get(_norm(word))
        if indicator is None:
            errors.append(_("Okänd indikator ”%(word)s”", word=word) if word
                          else _("%(header)s måste fyllas i.", header=HEADER["indicator"]))
        year = c.collect(errors, c.year, values.get("year"), HEADER["year"])
        value = c.collect(errors, c.decimal, values.get("value"), HEADER["value"])
        national = c.collect(errors, c.decimal, values.get("national"), HEADER["national"])
        if errors or indicator is None:  # an unknown indicator is one of the errors
            raise RowErrors(errors)
        earlier = ctx.seen.get((indicator.id, year))
        if earlier:
            raise RowErrors([_(
                "Indikatorn ”%(name)s” för år %(year)s finns redan på rad %(row)d.",
                name=indicator.name, year=year, row=earlier)])
        try:
            _row, previous = save_indicator_value(ctx.actor, ctx.municipality_id, indicator, year,
                                                  value, national, c.text(values.get("note")))
        except FieldErrors as error:
            raise RowErrors([f"{HEADER[FIELDS[k]]}: {m}" if k in FIELDS else m
                             for k, m in error.errors.items()]) from None
        ctx.seen[(indicator.id, year)] = number
        if previous is None:
            return _("Nytt värde för %(name)s %(year)s", name=indicator.name, year=year)
        return _("Ersätter värdet %(old)s för %(name)s %(year)s", old=number_sv(previous),
                 name=indicator.name, year=year)
