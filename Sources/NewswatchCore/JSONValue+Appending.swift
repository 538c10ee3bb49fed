import Foundation

extension JSONValue {
    /// An object with `fields` added at the end; any other value unchanged.
    func appending(_ fields: [(String, JSONValue)]) -> JSONValue {
        guard case .object(let existing) = self else { return self }
        return .object(existing + fields)
    }
}
