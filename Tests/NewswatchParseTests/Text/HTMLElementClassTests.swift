import Testing

@testable import NewswatchParse

/// The element table that replaced two `Set` lookups (issue 18) classifies every name as the sets did.
@Suite struct HTMLElementClassTests {
    static let inline = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
        "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
        "u", "var", "wbr", "nobr", "img", "label", "output",
    ]
    static let drop = [
        "script", "style", "iframe", "object", "embed", "applet", "template", "noscript", "svg", "math", "head",
        "select", "canvas", "audio", "video",
    ]

    static func classify(_ name: String) -> HTMLElementClass {
        Array(name.utf8 + [0]).withUnsafeBufferPointer { HTMLElementClass(name: $0.baseAddress!) }
    }

    @Test func everyListedNameAndNothingElse() {
        for name in Self.inline {
            #expect(Self.classify(name) == .inline, "\(name)")
            #expect(Self.classify(name.uppercased()) == .inline, "\(name)")
        }
        for name in Self.drop { #expect(Self.classify(name) == .drop, "\(name)") }
        for name in ["p", "div", "br", "li", "h1", "table", "blockquote", "section", "x", "spam", "scripts", "img2"] {
            #expect(Self.classify(name) == .block, "\(name)")
        }
        // Every other name of one or two letters is a block, whatever slot it hashes to.
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        for first in letters {
            for second in [nil] + letters.map(Optional.some) {
                let name = String(first) + (second.map { String($0) } ?? "")
                let expected: HTMLElementClass =
                    Self.inline.contains(name) ? .inline : Self.drop.contains(name) ? .drop : .block
                #expect(Self.classify(name) == expected, "\(name)")
            }
        }
    }
}
