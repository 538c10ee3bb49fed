import ArgumentParser

extension ParseCommand {
    /// Sources from which `parse --brief` takes its list past ArgumentParser.
    static let manySources = 64

    /// `parse --brief` with many sources (a folder's worth), or `nil` for every other command line.
    ///
    /// ArgumentParser 1.8 copies an array argument's whole array and origin set for every value it appends, so
    /// its parse grows with the square of the sources: 80 ms of CPU for 2,000 files, 290 ms for 4,000, seconds
    /// for a folder of 20,000. Here ArgumentParser parses the flags with the first source only (so errors, help
    /// and validation stay its own) and the list is set whole; flags take no values, so every argument that is
    /// `-` or does not start with `-`, and every one after `--`, is a source, in the order given.
    static func parsingManySources(_ arguments: [String]) throws -> ParseCommand? {
        guard arguments.first == "parse" else { return nil }
        var flags: [String] = []
        var sources: [String] = []
        var afterTerminator = false
        for argument in arguments.dropFirst() {
            if afterTerminator || argument == "-" || !argument.hasPrefix("-") {
                sources.append(argument)
            } else if argument == "--" {
                afterTerminator = true
            } else {
                flags.append(argument)
            }
        }
        guard sources.count >= manySources, flags.contains("--brief") else { return nil }
        guard var command = try Newswatch.parseAsRoot(["parse"] + flags + ["--", sources[0]]) as? ParseCommand
        else { return nil }
        command.sources = sources
        try command.validate()
        return command
    }
}
