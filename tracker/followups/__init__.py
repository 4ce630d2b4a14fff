"""The yearly follow-up, as one package.

compiler.py  drafts a follow-up from the database (queries.py holds its SQL aggregates)
prose.py     the Swedish text, rendered from the Jinja templates in texts/
workflow.py  editing, the guard before approval, approving, publishing, correcting
report.py    a stored version as readers see it (typed), the input of every output
render/      HTML helpers, the PDF, the Word file and the charts
views.py     the editor's pages (the blueprint `bp`); forms.py its forms
"""
