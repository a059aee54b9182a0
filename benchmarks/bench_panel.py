"""Panel benchmark (issue 11): the clinician's panel page for 10, 100 and 1,000 patients.

    python benchmarks/bench_panel.py [--sizes 10 100 1000] [--repeats 5] [--out DIR]

For each caseload it builds a fresh SQLite database (a clinician linked to N walkers, each with a
program and a few walks, one in ten with a red walk today), brings every panel line up to date,
then renders `GET /clinician` (the first page, 25 patients) through the real web app in-process,
as the signed-in clinician. It prints, side by side: the median and best render time and the
number of SQL statements one page view runs. The page's cost must not grow with the caseload
beyond the page shown: the statement count is the same for every size. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from walkrx.services import accounts, diary, panel, program, status
from walkrx.services.access import Actor
from walkrx.storage import Database, UnitOfWork

PASSWORD = "bench password 123"


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def build(folder: Path, patients: int) -> tuple[Database, str]:
    """A database with one clinician linked to `patients` walkers; returns it and the e-mail."""
    db = Database.open(f"sqlite:///{folder / 'panel.db'}", migrate=True)
    now = datetime.now(UTC)
    today = now.date()
    clinician = accounts.sign_up(
        UnitOfWork(db), email="dr@bench.example", password=PASSWORD, name="Dr", role="clinician"
    )
    batch = 100
    for first in range(0, patients, batch):
        with UnitOfWork(db) as uow:
            for n in range(first, min(patients, first + batch)):
                email = f"walker{n:04d}@bench.example"
                user = uow.users.add(email=email, name=email, role="walker", password_hash="x")
                person = program.store_new_person(
                    uow,
                    program.new_person(
                        name=email,
                        display_name=f"Walker {n:04d}",
                        start=today - timedelta(days=20),
                        age=40 + n % 30,
                        timezone="UTC",
                    ),
                )
                assert person.id is not None
                uow.users.set_person(user.id, person.id)
                link = uow.links.add(clinician_id=clinician.id, patient_email=email, now=now)
                uow.links.answer(link.id, status="accepted", patient_user_id=user.id, now=now)
            uow.commit()
        log(f"  {min(patients, first + batch)} of {patients} walkers")
    with UnitOfWork(db) as uow:
        ids = [p.id for p in uow.people.list() if p.id is not None]
    for k, person_id in enumerate(ids):
        for days_ago in (9, 5, 2):
            diary.log_walk(
                UnitOfWork(db),
                Actor.console(),
                person_id,
                diary.WalkEntry(
                    minutes=18,
                    day=today - timedelta(days=days_ago),
                    pain_before=2,
                    pain_during=9 if (k % 10 == 0 and days_ago == 2) else 3,
                ),
            )
    dr = Actor.user(clinician.id)
    with UnitOfWork(db) as uow:  # every line up to date, as a day of use leaves them
        for person_id in ids:
            person = uow.people.get(person_id)
            assert person is not None
            status.refresh(uow, person)
        uow.commit()
    panel.panel_page(UnitOfWork(db), dr)
    return db, clinician.email


def measure(db: Database, email: str, repeats: int) -> dict[str, Any]:
    """Render the first panel page `repeats` times; time each and count its statements."""
    from fastapi.testclient import TestClient  # noqa: PLC0415 (the web stack only here)

    from walkrx.web.app import create_app  # noqa: PLC0415
    from walkrx.web.settings import WebSettings  # noqa: PLC0415

    app = create_app(WebSettings(database_url=db.url.render_as_string(hide_password=False)))
    with TestClient(app, base_url="https://testserver") as client:
        form = client.get("/signin")
        token = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        signed = client.post(
            "/signin",
            data={"email": email, "password": PASSWORD, "csrf": token},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text
        engine = app.state.db.engine
        times: list[float] = []
        counts: list[int] = []
        for _ in range(repeats):
            statements: list[str] = []

            def count(*args: object, into: list[str] = statements) -> None:
                into.append(str(args[2]))

            event.listen(engine, "before_cursor_execute", count)
            start = time.perf_counter()
            response = client.get("/clinician")
            times.append(time.perf_counter() - start)
            event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200, response.text[:500]
            counts.append(len(statements))
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "best_ms": round(min(times) * 1000, 1),
        "statements": counts[-1],
        "statements_all_runs": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "sizes": {},
    }
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            log(f"building {size} patients")
            db, email = build(Path(folder), size)
            log(f"rendering the panel for {size} patients, {args.repeats} times")
            results["sizes"][str(size)] = measure(db, email, args.repeats)
            db.close()
    lines = [
        f"Clinician panel, first page (25 patients), {args.repeats} renders each; "
        f"{results['cpus']} CPUs, Python {results['python']}",
        f"{'patients':>9}  {'median ms':>10}  {'best ms':>8}  {'statements':>10}",
    ]
    for size, r in results["sizes"].items():
        lines.append(
            f"{size:>9}  {r['median_ms']:>10.1f}  {r['best_ms']:>8.1f}  {r['statements']:>10}"
        )
    counts = {r["statements"] for r in results["sizes"].values()}
    verdict = "PASS" if len(counts) == 1 else "FAIL"
    lines.append(f"statements per page the same for every caseload: {verdict}")
    print("\n".join(lines))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "panel.json").write_text(json.dumps(results, indent=2) + "\n")
        (args.out / "panel.txt").write_text("\n".join(lines) + "\n")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
