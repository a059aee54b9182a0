"""Setting up: `init`, `protocols`, `zones`, `demo` and `serve` (the web app).

Services, protocol files and the web stack are imported inside the commands that use them, so that
`walkrx --help` and the other commands start at once (docs/performance.md, CLI start-up).
"""

# ruff: noqa: PLC0415 (imports inside functions, on purpose: see the module docstring)

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from walkrx.cli.common import (
    DbOption,
    JsonOption,
    PersonOption,
    TodayOption,
    load_program,
    open_db,
    parse_date,
    print_json,
    required_date,
)
from walkrx.cli.plan import print_review, print_today
from walkrx.domain.explain import DISCLAIMER

if TYPE_CHECKING:
    from walkrx.domain.protocol import Protocol


def init(
    name: Annotated[str, typer.Option(help="The person's name.")],
    start: Annotated[str, typer.Option(help="First day of the program, YYYY-MM-DD.")],
    age: Annotated[int | None, typer.Option(help="Age in years (for the HRmax estimate).")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone (default: this machine's).")
    ] = None,
    protocol: Annotated[
        str, typer.Option(help="walking-6wk, walkback-26wk, or a protocol file's path.")
    ] = "walking-6wk",
    max_hr: Annotated[int | None, typer.Option(help="A measured maximum heart rate.")] = None,
    resting_hr: Annotated[int | None, typer.Option(help="Resting heart rate.")] = None,
    hrmax_formula: Annotated[str, typer.Option(help="tanaka, fox, gellish or nes.")] = "tanaka",
    zone_method: Annotated[str, typer.Option(help="hrmax (default) or hrr.")] = "hrmax",
    days: Annotated[
        str | None, typer.Option(help="Preferred walking days, e.g. mon,wed,fri,sat,sun.")
    ] = None,
    goal: Annotated[
        list[str] | None, typer.Option(help="A goal, e.g. return_to_sport (repeatable).")
    ] = None,
    units: Annotated[
        str, typer.Option(help="metric (km, km/h) or imperial (miles, mph) for what is shown.")
    ] = "metric",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a person's walking program."""
    from walkrx.services import program, views
    from walkrx.storage import UnitOfWork

    new = program.new_person(
        name=name,
        start=required_date(start, "--start"),
        age=age,
        timezone=timezone,
        protocol=protocol,
        max_hr=max_hr,
        resting_hr=resting_hr,
        hrmax_formula=hrmax_formula,
        zone_method=zone_method,
        days=program.parse_days(days) if days else None,
        goals=tuple(goal or ()),
        today=datetime.now(UTC).date(),
        units=units,
    )
    person = program.create_program(UnitOfWork(open_db(db)), new)
    if as_json:
        print_json(views.person_json(person))
        return
    typer.echo(
        f"Created {person.name}'s program ({person.protocol}), starting {person.start}, "
        f"time zone {person.timezone}, distances in "
        f"{'miles' if person.units == 'imperial' else 'kilometres'}."
    )
    typer.echo(DISCLAIMER)
    typer.echo("Next: 'walkrx zones' for your heart-rate band, 'walkrx today' for today's walk.")


def protocols(
    name: Annotated[str | None, typer.Argument(help="Show this protocol in full.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the protocols, or show one in full (a name or a file's path).

    Protocols are files, not database rows: --db is accepted like everywhere and not needed.
    """
    from walkrx import protocols as protocol_files

    if name is None:
        names = protocol_files.available()
        loaded = [protocol_files.load(n) for n in names]
        if as_json:
            print_json({"protocols": [{"name": p.name, "title": p.title} for p in loaded]})
            return
        for p in loaded:
            typer.echo(f"{p.name:16} {p.title}")
        typer.echo("Show one in full: walkrx protocols NAME")
        return
    protocol = protocol_files.load(name)
    description = protocol_files.describe(protocol)
    if as_json:
        print_json(description)
        return
    typer.echo(f"{protocol.title} ({protocol.name})")
    typer.echo(protocol.description.strip())
    for phase in protocol.phases:
        weeks = (
            f"weeks {phase.first_week}-{phase.last_week}"
            if phase.last_week
            else f"from week {phase.first_week}"
        )
        extra = []
        if phase.long_walk_minutes:
            extra.append(f"one long walk of {phase.long_walk_minutes}+ min")
        if phase.tempo:
            extra.append("optional tempo walk")
        if phase.weekly_zone_minutes:
            lo, hi = phase.weekly_zone_minutes
            extra.append(f"goal {lo}-{hi} target-zone min/week")
        typer.echo(
            f"\nPhase {phase.number}: {phase.name} ({weeks})\n"
            f"  {phase.walks_min}-{phase.walks_max} walks/week of "
            f"{phase.minutes_min}-{phase.minutes_max} min"
            + (f"; {'; '.join(extra)}" if extra else "")
        )
        typer.echo(f"  {phase.purpose}")
        for cue in phase.cues:
            typer.echo(f"  - {cue}")
    _print_technique(protocol)
    if protocol.sources:
        typer.echo("\nSources:")
        for source in protocol.sources:
            typer.echo(f"  - {source}")


def _print_technique(protocol: Protocol) -> None:
    """The pace band (both units: no person here), the posture checklist and the lessons."""
    from walkrx.domain.pace import band_text

    band = protocol.pace
    typer.echo(
        f"\nModerate pace (advice): {band_text(band, 'metric')} ({band_text(band, 'imperial')})"
    )
    if protocol.posture:
        typer.echo("Posture checklist: " + "; ".join(protocol.posture) + ".")
    if protocol.lessons:
        typer.echo("Lessons:")
        for lesson in protocol.lessons:
            typer.echo(f"  - {lesson.title} ({lesson.weeks})")


def zones(
    db: DbOption = None,
    person: PersonOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Show HRmax and your target heart-rate band in bpm."""
    from walkrx.domain.zones import ESTIMATE_ERROR_BPM, ZONE_LABEL
    from walkrx.services import views

    prog = load_program(db, person, today)
    z = prog.zones()
    if as_json:
        print_json(views.zones_json(z))
        return
    if z.estimated:
        typer.echo(
            f"HRmax: {z.hrmax_bpm} bpm, estimated from age ({z.hrmax_source} formula). Any age "
            f"formula can be off by about ±{ESTIMATE_ERROR_BPM} bpm for one person: a measured "
            "value (walkrx init --max-hr) makes your band more accurate."
        )
    else:
        typer.echo(f"HRmax: {z.hrmax_bpm} bpm (measured).")
    lo_p, hi_p = (round(p * 100) for p in z.percent)
    basis = "of HRmax" if z.method == "hrmax" else f"of heart-rate reserve (resting {z.resting_hr})"
    typer.echo(f"Target band: {z.band_bpm[0]}-{z.band_bpm[1]} bpm ({lo_p}-{hi_p} % {basis}).")
    typer.echo(ZONE_LABEL)
    typer.echo("No heart-rate monitor? Walk at a pace where you can still talk in full sentences.")


def demo(db: DbOption = None, today: TodayOption = None) -> None:
    """Create a demo person with five weeks of data and show the program at work."""
    from walkrx.services import program, views
    from walkrx.services.demo import build_demo
    from walkrx.storage import UnitOfWork

    day = parse_date(today, "--today") or datetime.now(UTC).date()
    prog = build_demo(UnitOfWork(open_db(db)), day)
    person = prog.person
    typer.echo(f"Created '{person.name}': program started {person.start}, five weeks logged.\n")
    typer.echo("== Weekly reviews ==")
    for r in prog.reviews:
        print_review(views.review_json(r))
    typer.echo("\n== Today ==")
    print_today(prog, program.today_view(prog))
    typer.echo(
        f"\nTry: walkrx plan --person '{person.name}', walkrx week --person "
        f"'{person.name}', walkrx review --json --person '{person.name}'."
    )
    typer.echo(DISCLAIMER)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Seed a demo walker and a demo clinician, and print sign-ins.")
    ] = False,
    insecure_cookies: Annotated[
        bool,
        typer.Option(help="Send cookies without Secure (only for plain http on another host)."),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="ADDRESSES",
            help="Behind a reverse proxy: its addresses or networks, comma-separated (e.g. "
            "127.0.0.1 for a proxy on this machine; '*' trusts every sender). Requests from them "
            "name the client with X-Forwarded-For (and the scheme with X-Forwarded-Proto). "
            "Without it those headers are ignored and the client is whoever connects: sign-in "
            "limits count per client, so behind a proxy give its address, or every visitor "
            "counts as the proxy.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Run the web app (the walker's pages, the clinician panel and the JSON API)."""
    import uvicorn

    from walkrx.services.demo import DEMO_CLINICIAN, DEMO_WALKER, build_demo_accounts
    from walkrx.web.app import create_app
    from walkrx.web.settings import WebSettings

    trusted = _trusted_proxies(forwarded_allow_ips)
    if demo:
        build_demo_accounts(open_db(db), datetime.now(UTC).date())
        typer.echo("Demo sign-ins (demo passwords: never use this database for real data):")
        typer.echo(f"  walker:    {DEMO_WALKER[0]} / {DEMO_WALKER[1]}")
        typer.echo(f"  clinician: {DEMO_CLINICIAN[0]} / {DEMO_CLINICIAN[1]}")
    typer.echo(f"walkrx is running at http://{host}:{port}/ (Ctrl+C stops it)")
    if trusted:
        typer.echo(f"Client addresses come from X-Forwarded-For when sent by: {trusted}")
    typer.echo(DISCLAIMER)
    settings = WebSettings(database_url=db, secure_cookies=not insecure_cookies, demo=demo)
    # Uvicorn trusts X-Forwarded-For from 127.0.0.1 and ::1 unless told otherwise (and from
    # $FORWARDED_ALLOW_IPS): only the proxies the operator names may set the client address.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=trusted is not None,
        forwarded_allow_ips=trusted,
    )


def _trusted_proxies(value: str | None) -> str | None:
    """The --forwarded-allow-ips list, checked and tidied (None when not given or blank)."""
    import ipaddress

    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise typer.BadParameter(
                f"{item!r} is not an IP address or network: give addresses such as 127.0.0.1 or "
                "10.0.0.0/8, separated by commas, or '*'",
                param_hint="--forwarded-allow-ips",
            ) from None
    return ",".join(items) or None
