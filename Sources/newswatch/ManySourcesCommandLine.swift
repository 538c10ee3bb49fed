import ArgumentParser

/// A subcommand's command line split into its options and its SOURCE list, for lists too long for ArgumentParser.
///
/// ArgumentParser 1.8 copies an array argument's whole array and origin set for every value it appends, so its parse
/// grows with the square of the sources: 80 ms of CPU for 2,000 files, 290 ms for 4,000, seconds for a folder of
/// 20,000. A command with such a list lets ArgumentParser parse its options with the first source only (so errors,
/// help and validation stay ArgumentParser's) and sets the list whole.
struct ManySourcesCommandLine {
    /// Sources from which a command takes its list past ArgumentParser.
    static let threshold = 64

    /// The subcommand's flags and options with their values, in the order given.
    var options: [String]
    /// Every argument that is `-` or does not start with `-` and is no option's value, and every one after `--`, in
    /// the order given.
    var sources: [String]

    /// Splits `arguments` (the command line after the program's name) when they start with `command` and hold at
    /// least `threshold` sources; `valueOptions` are the command's options that take their value as the next
    /// argument (`--name value`; `--name=value` is one argument).
    init?(_ arguments: [String], command: String, valueOptions: Set<String>) {
        guard arguments.first == command else { return nil }
        var options: [String] = []
        var sources: [String] = []
        var afterTerminator = false
        var valueFollows = false
        for argument in arguments.dropFirst() {
            if valueFollows {
                options.append(argument)
                valueFollows = false
            } else if afterTerminator || argument == "-" || !argument.hasPrefix("-") {
                sources.append(argument)
            } else if argument == "--" {
                afterTerminator = true
            } else {
                options.append(argument)
                valueFollows = valueOptions.contains(argument)
            }
        }
        guard sources.count >= Self.threshold else { return nil }
        self.options = options
        self.sources = sources
    }

    /// The command ArgumentParser parses from the options and the first source, for the caller to give the list to.
    func parsed<Command: ParsableCommand>(as _: Command.Type) throws -> Command? {
        let name = Command.configuration.commandName ?? ""
        return try Newswatch.parseAsRoot([name] + options + ["--", sources[0]]) as? Command
    }
}
