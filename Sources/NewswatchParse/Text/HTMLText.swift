/// Plain text from HTML, as the contract's text fields need it (CONTRACT §2).
///
/// Tags removed (the content of `script`, `style` and other non-text elements dropped), entities
/// decoded once, white space collapsed, trimmed. Parsed with libxml2's HTML parser in recover mode;
/// text without `<` or `&` skips the parser altogether.
public enum HTMLText {
    /// The plain text of an HTML fragment or document.
    public static func plainText(_ html: String) -> String {
        var html = html
        return html.withUTF8 { b in
            guard TextCleaner.mayHoldMarkup(b) else { return TextCleaner.clean(b) }
            var doubleEscaped = false
            return HTMLTextExtractor().plainText(b, doubleEscaped: &doubleEscaped)
        }
    }

    /// Plain text that is already plain: white space collapsed and trimmed, nothing decoded.
    static func cleanPlain(_ text: String) -> String {
        var text = text
        return text.withUTF8 { TextCleaner.clean($0) }
    }
}
