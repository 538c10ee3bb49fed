import Foundation

/// Turns text into the normalised words that queries and items are compared by (CONTRACT §3).
///
/// Rules, applied identically to query terms and item text:
/// - Unicode NFKC compatibility forms are folded (`ﬁ` → `fi`, full-width letters → ASCII), case is folded,
///   diacritics and other non-spacing marks are removed (`Nétanyahu` → `netanyahu`, Arabic harakat, Hebrew niqqud).
/// - Every character that is not a letter, mark or digit separates words: dashes of every kind, slashes,
///   quotes, punctuation. Invisible format characters (soft hyphen, zero-width joiners) are ignored.
/// - Apostrophes (`'`, `’`, `‘`, `ʼ`) are unified; a possessive `'s` is dropped (`Israel’s` → `israel`), any
///   other apostrophe separates words (`l'Israël` → `l`, `israel`).
/// - Single letters joined by dots are one word (`U.S.` → `us`, `U.N.` → `un`), marked as *dotted*.
///
/// Each word also records its written shape (all capitals, dotted) so an acronym term (`US`) can match `US` and
/// `U.S.` but never the pronoun `us`.
public enum TextNormalizer {
    /// One normalised word and how it was written.
    public struct Word: Sendable, Hashable, CustomStringConvertible {
        /// The normalised form: lower case, no diacritics, NFC.
        public var text: String
        /// Written with at least one capital and no lower-case letter (`US`, `GAZA`, `A`).
        public var isAllCaps: Bool
        /// Written as single letters joined by dots (`U.S.`, `u.n`).
        public var isDotted: Bool

        public init(text: String, isAllCaps: Bool = false, isDotted: Bool = false) {
            self.text = text
            self.isAllCaps = isAllCaps
            self.isDotted = isDotted
        }

        /// In item text: could this be an acronym (`US`, `U.S.`, and `US` inside an all-capitals headline)?
        public var isAcronymForm: Bool { isAllCaps || isDotted }

        /// In a query: is this term word an acronym that must not match its lower-case twin (`US`, `U.S.`, `UN`)?
        /// Two or more capitals with no lower-case letter, or dotted letters.
        public var isAcronymTerm: Bool { isDotted || (isAllCaps && text.unicodeScalars.count >= 2) }

        public var description: String { text }
    }

    /// The normalised words of `text`, in order.
    public static func words(_ text: String) -> [Word] {
        var out: [Word] = []
        WordScanner.scan(text) { bytes, allCaps, dotted in
            out.append(Word(text: String(decoding: bytes, as: UTF8.self), isAllCaps: allCaps, isDotted: dotted))
        }
        return out
    }

    /// The normalised words of `text` joined by single spaces (idempotent: normalising the result changes nothing).
    public static func normalize(_ text: String) -> String {
        words(text).map(\.text).joined(separator: " ")
    }
}
