@testable import NewswatchMatch

/// Parsing shortcuts shared by the query-language tests.
enum QueryText {
    /// The canonical text of the parsed query.
    static func canonical(_ q: String) throws -> String { try QueryParser.parse(q).canonical }

    /// The error parsing `q` gives; nil when it parses.
    static func error(_ q: String) -> QueryError? {
        do {
            _ = try QueryParser.parse(q)
            return nil
        } catch {
            return error
        }
    }
}
