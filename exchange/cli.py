"""Commands: flask --app wsgi seed | create-admin | verify-snapshots | reconcile-tallies |
export-open-data."""
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from exchange.extensions import db


def register_commands(app: Flask) -> None:
    @app.cli.command("seed")
    def seed_command():
        """Load the demo data (safe to run again: nothing is added twice)."""
        from seed import load

        summary = load()
        click.echo(summary)

    @app.cli.command("create-admin")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--display-name", default="Administrator")
    def create_admin(email, password, display_name):
        """Make an admin account, or make an existing account an admin."""
        from exchange.accounts.models import User
        from exchange.accounts.service import normalise_email, password_problems, register

        user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            problems = password_problems(password, normalise_email(email), display_name)
            if problems:
                raise click.BadParameter(" ".join(problems), param_hint="--password")
            user = register(email, password, display_name, is_admin=True)
            click.echo(f"Created admin {user.email} (id {user.id}).")
        else:
            user.is_admin = True
            db.session.commit()
            click.echo(f"{user.email} (id {user.id}) is now an admin.")

    @app.cli.command("verify-snapshots")
    def verify_snapshots():
        """Rebuild every sealed snapshot from the database and check its hash, signature and
        place on the chain; exit 1 when any was altered."""
        from exchange.voting.snapshots import check_all

        checked, findings = check_all()
        for finding in findings:
            click.echo(f"ALTERED {finding}")
        if findings:
            click.echo(f"{len(findings)} problem(s) in {checked} sealed snapshot(s).")
            raise SystemExit(1)
        click.echo(f"All {checked} sealed snapshot(s) match their hash, signature and chain.")

    @app.cli.command("reconcile-tallies")
    @click.option("--fix", is_flag=True, help="Repair the drift found.")
    def reconcile_tallies(fix):
        """Recount every tally from the ratings and report any drift."""
        from exchange.voting.recount import recount

        drift = recount(fix=fix)
        for line in drift:
            click.echo(line)
        if not drift:
            click.echo("No drift: every tally matches the ratings.")
        elif fix:
            click.echo(f"Repaired {len(drift)} drifted value(s).")
        else:
            click.echo(f"{len(drift)} drifted value(s); run with --fix to repair.")
            raise SystemExit(1)

    @app.cli.command("export-open-data")
    @click.argument("folder", type=click.Path(path_type=Path))
    @click.option("--license", "licence_name", default=None,
                  help="SPDX id of the data's licence (default: OPEN_DATA_LICENSE, CC-BY-4.0).")
    @click.option("--license-path", default=None, help="Address of the licence's text.")
    def export_open_data(folder, licence_name, license_path):
        """Write what anyone may see (challenges, pitches, tallies, published snapshots,
        rating records) as CSV and JSON with a datapackage.json into the empty FOLDER."""
        from exchange.open_data.export import ExportRefused, export, licence

        config = current_app.config
        try:
            licensed = licence(licence_name or config["OPEN_DATA_LICENSE"],
                               license_path or config["OPEN_DATA_LICENSE_PATH"])
            written = export(folder, licensed)
        except ExportRefused as refusal:
            raise click.ClickException(str(refusal)) from refusal
        for name, rows in written:
            click.echo(f"{name}: {rows} row(s)")
        click.echo(f"Wrote {folder}/datapackage.json (licence {licensed['name']}).")
