"""The `inkwell` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.core.config import Settings

cli = typer.Typer(help="inkwell: a headless content API for news sites.", no_args_is_help=True)
seed_cli = typer.Typer(help="Load data into the store.", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys for the editorial API.", no_args_is_help=True)
cli.add_typer(seed_cli, name="seed")
cli.add_typer(keys_cli, name="keys")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Migrate the store to head, then serve the API."""
    import uvicorn

    from app.core.migrations import upgrade_to_head

    settings = Settings()
    upgrade_to_head(settings.database_url)
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        server_header=False,
        proxy_headers=True,
        access_log=False,
        timeout_graceful_shutdown=10,
        log_level=settings.log_level.lower(),
    )


@cli.command()
def migrate() -> None:
    """Upgrade the store to the newest schema (Alembic); a no-op when it is there already."""
    from app.core.migrations import upgrade_to_head

    upgrade_to_head(Settings().database_url)
    typer.echo("database is at the newest migration")


@seed_cli.command("demo")
def seed_demo(
    articles: Annotated[int, typer.Option(min=1, max=5_000_000, help="How many articles.")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same site.")] = 7,
) -> None:
    """Load the demo site (seven categories, synthetic articles) when the store is empty."""
    from app.seed.demo import seed_demo as run

    report = run(Settings().database_url, articles, seed=seed)
    if report.skipped:
        typer.echo("the store already has content: demo not loaded")
    else:
        typer.echo(f"loaded {report.articles} demo articles in {report.seconds:.1f}s")


@cli.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option(help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Print (or write) the OpenAPI document the app serves."""
    from app.openapi_document import openapi_bytes

    data = openapi_bytes()
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


@keys_cli.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="admin, editor, author or moderator.")],
    name: Annotated[str, typer.Option(help="Who or what uses the key.")] = "",
    author: Annotated[str | None, typer.Option(help="Author slug (for the author role).")] = None,
) -> None:
    """Create a key and print it once; only its hash is stored."""
    from app.keys.admin import create_key

    try:
        key, row = create_key(Settings(), role=role, name=name, author_slug=author)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(key)
    typer.echo(f"created key {row.id} ({row.role}, {row.prefix}…); it is not shown again", err=True)


@keys_cli.command("list")
def keys_list() -> None:
    """List keys: id, role, name, prefix, created, revoked."""
    from app.keys.admin import list_keys

    for row in list_keys(Settings()):
        revoked = row.revoked_at.isoformat() if row.revoked_at else "-"
        typer.echo(
            f"{row.id}\t{row.role}\t{row.name}\t{row.prefix}…\t{row.created_at.isoformat()}\t{revoked}"
        )


@keys_cli.command("revoke")
def keys_revoke(
    key_id: Annotated[int, typer.Argument(help="The key's id (see `keys list`).")],
) -> None:
    """Revoke a key: it stops working at once."""
    from app.keys.admin import revoke_key

    if not revoke_key(Settings(), key_id):
        typer.echo(f"error: no active key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked key {key_id}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
