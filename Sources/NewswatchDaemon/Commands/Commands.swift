/// One function per `newswatch` subcommand: each takes the parsed arguments and returns what to print
/// (`CommandOutput`) or throws a `CommandError`. The executable only parses arguments and prints.
public enum Commands {}
