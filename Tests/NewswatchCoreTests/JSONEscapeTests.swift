import Foundation
import PropertyBased
import Testing

@testable import NewswatchCore

/// Issue 18: `JSONValue.writeEscaped` finds what to escape by bytes; it must write what the scalar-by-scalar
/// version wrote, on any text.
@Suite struct JSONEscapeTests {
    /// The scalar-by-scalar escaping the byte-wise one replaced.
    static func scalarEscaped(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static let pieces = [
        "a", "plain ", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "\u{2028}",
        "\u{2029}", "\u{2027}", "\u{202A}", "“", "”", "–", "—", "…", "€", "\u{301}", "é", "🇺🇸", "غزة", "\u{E000}", "₂",
    ]

    @Test func bytewiseEscapingWritesWhatScalarEscapingWrote() async {
        await propertyCheck(count: 3000, input: Gen.element(of: Self.pieces).array(of: 0...16)) { picks in
            let text = picks.compactMap { $0 }.joined()
            var out = ""
            JSONValue.writeEscaped(text, to: &out)
            #expect(out == Self.scalarEscaped(text), "\(text.debugDescription)")
        }
    }
}
