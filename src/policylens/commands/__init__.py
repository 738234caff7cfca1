"""One module per ``policylens`` subcommand (see ``policylens.cli``)."""
