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
        // Found in the bytes in place, a tight loop over memory instead of `String.UTF8View`'s index stepping, which
        // was most of `items.match_text`'s encoding (issue 18). The parser and the store only make native strings.
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { writeEscaped(s, bytes: $0, to: &out) }
        if done == nil { Array(s.utf8).withUnsafeBufferPointer { writeEscaped(s, bytes: $0, to: &out) } }
        out += "\""
    }

    /// `s` escaped, its `bytes` being its UTF-8; runs between escapes are appended whole as slices of `s`.
    private static func writeEscaped(_ s: String, bytes: UnsafeBufferPointer<UInt8>, to out: inout String) {
        var run = 0
        var i = nextCandidate(bytes, from: 0)
        while i < bytes.count {
            guard let found = escape(bytes, at: i) else {
                i = nextCandidate(bytes, from: i + 1)
                continue
            }
            appendRun(of: s, from: run, to: i, to: &out)
            out += found.text
            run = found.next
            i = nextCandidate(bytes, from: run)
        }
        // Most strings need no escape: copied whole.
        if run == 0 { out += s } else { appendRun(of: s, from: run, to: bytes.count, to: &out) }
    }

    /// The offset of the first byte at or after `from` that may need an escape (`bytes.count` if none): a control
    /// byte, `"`, `\\`, or 0xE2, the lead byte of U+2028/2029.
    @inline(__always)
    private static func nextCandidate(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0xE2 { return i }
            i += 1
        }
        return i
    }

    /// The escape for the candidate at `i` and the offset after what it replaces; `nil` for a 0xE2 that does not
    /// start U+2028/2029. Candidates fall on ASCII bytes and 0xE2 leads, so every cut is a scalar boundary.
    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (text: String, next: Int)? {
        switch bytes[i] {
        case 0x22: return ("\\\"", i + 1)
        case 0x5C: return ("\\\\", i + 1)
        case 0x0A: return ("\\n", i + 1)
        case 0x0D: return ("\\r", i + 1)
        case 0x09: return ("\\t", i + 1)
        case 0x08: return ("\\b", i + 1)
        case 0x0C: return ("\\f", i + 1)
        case 0xE2:
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            guard i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 else {
                return nil
            }
            return (bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", i + 3)
        default:
            let hex = String(bytes[i], radix: 16)
            return ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, i + 1)
        }
    }

    /// Appends `s`'s bytes `from..<to` (scalar boundaries) as a slice of `s`: no new string, no validation.
    private static func appendRun(of s: String, from: Int, to: Int, to out: inout String) {
        guard from < to else { return }
        let utf8 = s.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: from)
        out.append(contentsOf: s[start..<utf8.index(start, offsetBy: to - from)])
    }
}
