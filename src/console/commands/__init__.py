"""One module per subcommand: HELP, DESCRIPTION, add_arguments(parser), run(args) -> int.

Keep imports at module level light: `incident-console --help` imports every command module.
"""
