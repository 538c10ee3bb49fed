import NewswatchMatch

/// How the config loader checks topic queries, injected so the loader does not depend on the query engine.
///
/// The daemon and the CLI use `QueryValidation.standard`; tests pass stand-ins.
public struct QueryValidation: Sendable {
    /// Why a query does not parse.
    public struct Problem: Sendable, Equatable {
        /// 1-based line within the query text (multi-line `'''` queries span several).
        public var line: Int
        /// 1-based column in that line, in characters.
        public var column: Int
        /// What is wrong, e.g. `expected a term after OR`.
        public var message: String

        /// A problem at `line`:`column` of the query.
        public init(line: Int = 1, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// `nil` when the query parses.
    public var check: @Sendable (String) -> Problem?
    /// The query's canonical spelling (for `check-config`).
    public var canonical: @Sendable (String) -> String

    /// A validation from a checker and a canonicaliser.
    public init(
        check: @escaping @Sendable (String) -> Problem?, canonical: @escaping @Sendable (String) -> String
    ) {
        self.check = check
        self.canonical = canonical
    }

    /// Accepts every query and prints it as written.
    public static let acceptAll = QueryValidation(check: { _ in nil }, canonical: { $0 })

    /// The validation the daemon and the CLI use: NewswatchMatch's query parser. The parsed queries are kept for
    /// the matcher compiled next (`ParsedQueryMemo`), so a load parses each query once.
    public static let standard = QueryValidation(
        check: { text in
            do throws(QueryError) {
                _ = try ParsedQueryMemo.shared.parseAndKeep(text)
                return nil
            } catch {
                return Problem(line: error.line, column: error.column, message: error.message)
            }
        },
        canonical: { (try? QueryParser.parse($0))?.canonical ?? $0 })
}
