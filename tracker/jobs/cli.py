from flask import Blueprint

bp = Blueprint("jobs_cli", __name__, cli_group=None)
