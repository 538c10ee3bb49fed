/// Makes output safe for a terminal: no feed, config or database text can move the cursor, clear the screen,
/// set a hyperlink (OSC 8) or write the clipboard (OSC 52).
///
/// Controls are C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F: in UTF-8, terminals such as xterm
/// read U+009B as CSI).
enum TerminalText {
    /// Human-readable output: every control but newline and tab becomes a visible `\u{1B}`-style escape.
    static func safe(_ text: String) -> String {
        rewritten(text) { scalar, out in
            if scalar == "\n" || scalar == "\t" {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
    }

    /// JSON output: DEL and C1 become `\u007f`-style escapes, which a JSON reader decodes to the same value.
    /// (The encoder already escapes C0; a raw control can only stand inside a JSON string.)
    static func safeJSON(_ text: String) -> String {
        rewritten(text) { scalar, out in
            if scalar.value < 0x20 {
                out.unicodeScalars.append(scalar)  // structural newlines; controls in strings are already escaped
            } else {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
    }

    private static func isControl(_ v: UInt32) -> Bool { v < 0x20 || v == 0x7F || (v >= 0x80 && v <= 0x9F) }

    /// `text` with each control character replaced by what `replace` appends; `text` itself when it has none.
    private static func rewritten(_ text: String, _ replace: (Unicode.Scalar, inout String) -> Void) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0.value) && $0 != "\n" }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if isControl(scalar.value) {
                replace(scalar, &out)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
