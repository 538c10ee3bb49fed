import Foundation
import Logging
import NewswatchCore
import NewswatchParse
import TOMLKit

// Reading one TOML value as the type a key needs, reporting a wrong type or range with its line.
extension ConfigParser {
    func fail(
        _ kind: ConfigError.Kind, _ path: String, _ message: String, line: Int? = nil, column: Int? = nil
    ) {
        errors.append(
            ConfigError(
                kind: kind, file: fileName, line: line ?? locator.line(of: path), column: column, keyPath: path,
                message: message))
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// `feeds[0] (line 12)`, for "already listed by …" messages.
    func placeOf(_ path: String) -> String {
        locator.line(of: path).map { "\(path) (line \($0))" } ?? path
    }

    func didYouMean(_ word: String, _ candidates: [String]) -> String {
        KeySuggestion.nearest(word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    func checkKeys(_ t: TOMLTable, path: String, allowed: [String]) {
        for key in t.keys where !allowed.contains(key) {
            let scope = path.isEmpty ? "at the top level" : "in \(path)"
            fail(
                .unknownKey, join(path, key),
                "unknown key '\(key)'\(didYouMean(key, allowed)); valid keys \(scope): "
                    + allowed.joined(separator: ", "))
        }
    }

    static func typeName(_ v: TOMLValueConvertible) -> String {
        switch v.type {
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a floating-point number"
        case .array: return "an array"
        case .table: return "a table"
        case .string: return "a string"
        default: return "a \(v.type.description)"
        }
    }

    func wrongType(_ v: TOMLValueConvertible, _ path: String, expected: String, example: String) {
        fail(.wrongType, path, "expected \(expected), found \(ConfigParser.typeName(v)); write e.g. \(example)")
    }

    func table(_ t: TOMLTable, _ key: String, path: String) -> TOMLTable? {
        guard let v = t[key] else { return nil }
        guard let table = v.table else {
            wrongType(v, join(path, key), expected: "a table", example: "[\(join(path, key))]")
            return nil
        }
        return table
    }

    func arrayOfTables(_ t: TOMLTable, _ key: String, path: String) -> [TOMLTable] {
        guard let v = t[key] else { return [] }
        let p = join(path, key)
        guard let array = v.array else {
            wrongType(v, p, expected: "an array of tables", example: "[[\(p)]]")
            return []
        }
        var tables: [TOMLTable] = []
        for (i, element) in array.enumerated() {
            if let table = element.table {
                tables.append(table)
            } else {
                wrongType(element, "\(p)[\(i)]", expected: "a table", example: "[[\(p)]]")
            }
        }
        return tables
    }

    func string(_ t: TOMLTable, _ key: String, path: String) -> String? {
        guard let v = t[key] else { return nil }
        guard let s = v.string else {
            wrongType(v, join(path, key), expected: "a string", example: "\(key) = \"…\"")
            return nil
        }
        return s
    }

    func nonEmptyString(_ t: TOMLTable, _ key: String, path: String) -> String? {
        guard let s = string(t, key, path: path) else { return nil }
        if s.allSatisfy(\.isWhitespace) {
            fail(.invalidValue, join(path, key), "\(key) is empty; give a value or remove the key")
            return nil
        }
        return s
    }

    func requiredString(_ t: TOMLTable, _ key: String, path: String) -> String? {
        guard t[key] != nil else {
            fail(.missingKey, path, "missing key '\(key)'")
            return nil
        }
        return nonEmptyString(t, key, path: path)
    }

    func bool(_ t: TOMLTable, _ key: String, path: String) -> Bool? {
        guard let v = t[key] else { return nil }
        guard let b = v.bool else {
            wrongType(v, join(path, key), expected: "a boolean", example: "\(key) = true")
            return nil
        }
        return b
    }

    func int(
        _ t: TOMLTable, _ key: String, path: String, range: ClosedRange<Int>, example: Int? = nil
    ) -> Int? {
        guard let v = t[key] else { return nil }
        guard let n = v.int else {
            wrongType(v, join(path, key), expected: "an integer", example: "\(key) = \(example ?? range.lowerBound)")
            return nil
        }
        guard range.contains(n) else {
            fail(
                .invalidValue, join(path, key),
                "\(n) is out of range; \(key) must be from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return n
    }

    func duration(_ t: TOMLTable, _ key: String, path: String, range: ClosedRange<Int64>) -> ConfigDuration? {
        guard let v = t[key] else { return nil }
        let p = join(path, key)
        guard let s = v.string else {
            wrongType(v, p, expected: "a duration string", example: "\(key) = \"10m\"")
            return nil
        }
        guard let d = ConfigDuration(s) else {
            fail(
                .badDuration, p,
                "'\(s)' is not a duration; write a number and a unit (s, m, h, d, w): 90s, 10m, 6h, 30d, or a sum "
                    + "like 1h30m")
            return nil
        }
        guard d.seconds >= range.lowerBound else {
            let minimum = ConfigDuration(seconds: range.lowerBound)
            fail(.badDuration, p, "'\(s)' is too short; \(key) must be at least \(minimum)")
            return nil
        }
        guard d.seconds <= range.upperBound else {
            let maximum = ConfigDuration(seconds: range.upperBound)
            fail(.badDuration, p, "'\(s)' is too long; \(key) must be at most \(maximum)")
            return nil
        }
        return d
    }

    func stringArray(_ t: TOMLTable, _ key: String, path: String) -> [String]? {
        guard let v = t[key] else { return nil }
        let p = join(path, key)
        guard let array = v.array else {
            wrongType(v, p, expected: "an array of strings", example: "\(key) = [\"…\"]")
            return nil
        }
        var result: [String] = []
        var ok = true
        for (i, element) in array.enumerated() {
            if let s = element.string {
                result.append(s)
            } else {
                ok = false
                wrongType(element, "\(p)[\(i)]", expected: "a string", example: "\(key) = [\"…\"]")
            }
        }
        return ok ? result : nil
    }
}
