import Foundation

/// A JSON value whose objects keep their key order, and which always writes `null`.
///
/// Foundation's `JSONEncoder` drops `nil` optionals and reorders keys; the contract's
/// outputs (parse, match, alerts, status, digests) need every key present in a stable order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Equal values of the same case; objects compare their pairs in order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A string, or `null` for `nil`.
    public static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// A UTC timestamp (`YYYY-MM-DDTHH:MM:SSZ`), or `null` for `nil`.
    public static func timestamp(_ value: Date?) -> JSONValue {
        value.map { .string(Timestamp.format($0)) } ?? .null
    }

    /// The compact serialisation (one line, no spaces), as used for JSON Lines.
    public var compact: String {
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// An indented serialisation for humans and files.
    public var pretty: String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) } else { out += String(d) }
            } else {
                out += "null"
            }
        case .string(let s): JSONValue.writeEscaped(s, to: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                JSONValue.writeEscaped(key, to: &out)
                out += indent == nil ? ":" : ": "
                value.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<level { out += indent }
    }

    /// RFC 8259 string escaping; non-ASCII stays UTF-8, U+2028/2029 are escaped for JavaScript consumers.
    public static func writeEscaped(_ s: String, to out: inout String) {
        out += "\""
        // Most strings need no escape: copied whole (0xE2 leads U+2028/2029 in UTF-8).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
            out += s
            out += "\""
            return
        }
        // Runs between escapes are appended whole: appending scalar by scalar was most of the cost. Found by bytes,
        // not scalars: most text reaching here only holds a curly quote or a dash (lead byte 0xE2), and decoding
        // every scalar to find none was a cold round's cost (issue 18). Cuts fall on ASCII bytes and 0xE2 leads, so
        // every index is a scalar boundary.
        let utf8 = s.utf8
        var run = utf8.startIndex
        var i = run
        while i != utf8.endIndex {
            let b = utf8[i]
            var next = utf8.index(after: i)
            let escape: String
            switch b {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0xE2:
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                guard next != utf8.endIndex, utf8[next] == 0x80 else {
                    i = next
                    continue
                }
                let third = utf8.index(after: next)
                guard third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 else {
                    i = next
                    continue
                }
                escape = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                next = utf8.index(after: third)
            default:
                guard b < 0x20 else {
                    i = next
                    continue
                }
                let hex = String(b, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            out.append(contentsOf: s[run..<i])
            out += escape
            i = next
            run = next
        }
        out.append(contentsOf: s[run...])
        out += "\""
    }
}
