"""`incident-console` / `incident-console dashboard`: the live dashboard."""

from __future__ import annotations

import argparse

HELP = "open the live dashboard (the default command)"
DESCRIPTION = (
    "Open the dashboard on the chosen environment: stack events, ECS service and tasks, "
    "target health, the log tail, alarms and costs, refreshed live. Press ? for keys."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from console.cli import flags_from
    from console.config import resolve

    return run_app(resolve(flags_from(args)))


def run_app(env, *, demo: bool = False) -> int:
    """Connect first (so an unusable environment ends in one clear line, exit 2), then run
    the app on the same event loop as the connection's clients."""
    import asyncio
    import importlib
    import tempfile
    from pathlib import Path

    from console.config import cache_dir
    from probes.suite import connect

    async def main() -> int:
        # The app (textual) is imported in a thread while the first requests are out.
        importing = asyncio.get_running_loop().run_in_executor(
            None, importlib.import_module, "console.app")
        # The demo's emulator is new each run: nothing to keep. Elsewhere discovery is kept
        # on disk and checked in the first round of requests.
        connection = await connect(env.aws, env.stack, env.overrides,
                                   cache_dir=None if demo else cache_dir())
        connection.ctx.interactive = False  # from here on the screen is the app's
        try:
            ConsoleApp = (await importing).ConsoleApp
            with tempfile.TemporaryDirectory(prefix="incident-console-demo-") as tmp:
                cache = Path(tmp) if demo else None
                app = ConsoleApp(env, connection, cost_cache_dir=cache)
                app.start_probes_early()
                await app.run_async()
                return app.return_code or 0
        finally:
            await connection.close()

    return asyncio.run(main())
