"""activity.logged_count, kept by triggers on log_entry

Revision ID: 5f0c2d7e8a41
Revises: c41d7e2a9b10
Create Date: 2026-11-23 05:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5f0c2d7e8a41'
down_revision = 'c41d7e2a9b10'
branch_labels = None
depends_on = None

# Every page that shows "12 av 40" read the activity's log entries to count them; the
# dashboard counted a municipality's whole year on each view. The count now lives on the
# activity and the database keeps it: whichever way entries are written or removed (the log
# form, the API, an import, a cascade, a bulk COPY), the triggers add or subtract.
#
# PostgreSQL: statement-level triggers with transition tables, one UPDATE per statement
# whatever the number of rows. SQLite: row-level triggers.
#
# NOTE for later migrations: SQLite's batch mode rebuilds a table and drops its triggers. A
# migration that batch-alters log_entry must create these triggers again (SQLITE_TRIGGERS).

PG_FUNCTIONS = """
CREATE FUNCTION log_entry_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activity SET logged_count = activity.logged_count + added.n
  FROM (SELECT activity_id, count(*) AS n FROM new_rows GROUP BY activity_id) AS added
  WHERE activity.id = added.activity_id;
  RETURN NULL;
END $$;

CREATE FUNCTION log_entry_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activity SET logged_count = activity.logged_count - removed.n
  FROM (SELECT activity_id, count(*) AS n FROM old_rows GROUP BY activity_id) AS removed
  WHERE activity.id = removed.activity_id;
  RETURN NULL;
END $$;

CREATE FUNCTION log_entry_count_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activity SET logged_count = activity.logged_count + moved.n
  FROM (SELECT activity_id, sum(n) AS n FROM (
          SELECT activity_id, count(*) AS n FROM new_rows GROUP BY activity_id
          UNION ALL
          SELECT activity_id, -count(*) AS n FROM old_rows GROUP BY activity_id) AS both_sides
        GROUP BY activity_id) AS moved
  WHERE activity.id = moved.activity_id AND moved.n <> 0;
  RETURN NULL;
END $$;
"""

PG_TRIGGERS = """
CREATE TRIGGER log_entry_counted AFTER INSERT ON log_entry
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entry_count_added();
CREATE TRIGGER log_entry_uncounted AFTER DELETE ON log_entry
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entry_count_removed();
CREATE TRIGGER log_entry_recounted AFTER UPDATE ON log_entry
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION log_entry_count_moved();
"""

SQLITE_TRIGGERS = (
    """CREATE TRIGGER log_entry_counted AFTER INSERT ON log_entry BEGIN
         UPDATE activity SET logged_count = logged_count + 1 WHERE id = NEW.activity_id;
       END""",
    """CREATE TRIGGER log_entry_uncounted AFTER DELETE ON log_entry BEGIN
         UPDATE activity SET logged_count = logged_count - 1 WHERE id = OLD.activity_id;
       END""",
    """CREATE TRIGGER log_entry_recounted AFTER UPDATE OF activity_id ON log_entry
       WHEN NEW.activity_id IS NOT OLD.activity_id BEGIN
         UPDATE activity SET logged_count = logged_count - 1 WHERE id = OLD.activity_id;
         UPDATE activity SET logged_count = logged_count + 1 WHERE id = NEW.activity_id;
       END""",
)

TRIGGERS = ("log_entry_counted", "log_entry_uncounted", "log_entry_recounted")
PG_FUNCTION_NAMES = ("log_entry_count_added", "log_entry_count_removed", "log_entry_count_moved")


def upgrade():
    op.add_column('activity', sa.Column('logged_count', sa.Integer(), nullable=False,
                                        server_default=sa.text('0')))
    op.execute("UPDATE activity SET logged_count = "
               "(SELECT count(*) FROM log_entry WHERE log_entry.activity_id = activity.id)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTIONS)
        op.execute(PG_TRIGGERS)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON log_entry" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        for name in PG_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION {name}()")
    with op.batch_alter_table('activity') as batch_op:
        batch_op.drop_column('logged_count')
