import CLibXML2
import Foundation

/// Owns one libxml2 HTML parser context and reuses it for every fragment of a feed.
///
/// A SAX handler keeps text, drops the content of `script`, `style` and other non-text elements,
/// and turns block elements into spaces; no tree is built. Reusing the context (and its name
/// dictionary) makes a fragment cost little more than its own bytes.
/// - Important: not thread-safe; one extractor per parse (per thread), used synchronously. Its state is
///   `@exclusivity(unchecked)` for the same reason as `XMLFeedParser`'s: callbacks never overlap.
final class HTMLTextExtractor {
    private let ctxt: htmlParserCtxtPtr?
    /// The text of the fragment being parsed (white space not yet collapsed).
    @exclusivity(unchecked) fileprivate var out: [UInt8] = []
    @exclusivity(unchecked) fileprivate var skipDepth = 0
    /// Element class by interned name pointer (names come from the context's dictionary).
    @exclusivity(unchecked) fileprivate var classes: [UnsafeRawPointer: HTMLElementClass] = [:]

    private static let options = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NOIMPLIED.rawValue | HTML_PARSE_NODEFDTD.rawValue
            | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_NOBLANKS.rawValue)

    init() {
        _ = LibXML.ready
        ctxt = htmlNewParserCtxt()
        guard let ctxt, let sax = ctxt.pointee.sax else { return }
        var handler = xmlSAXHandler()
        handler.initialized = 1
        // `_withUnsafeGuaranteedRef`: the extractor outlives every parse it runs; no retain and release per event.
        handler.startElement = { ctx, name, _ in
            guard let ctx, let name else { return }
            Unmanaged<HTMLTextExtractor>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.start(name) }
        }
        handler.endElement = { ctx, name in
            guard let ctx, let name else { return }
            Unmanaged<HTMLTextExtractor>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.end(name) }
        }
        handler.characters = { ctx, ch, len in
            guard let ctx, let ch, len > 0 else { return }
            Unmanaged<HTMLTextExtractor>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.text(ch, Int(len)) }
        }
        handler.ignorableWhitespace = { ctx, _, _ in
            guard let ctx else { return }
            Unmanaged<HTMLTextExtractor>.fromOpaque(ctx).takeUnretainedValue().out.append(0x20)
        }
        // Script and style bodies arrive here; they are never text.
        handler.cdataBlock = { _, _, _ in }
        sax.pointee = handler
        ctxt.pointee.userData = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        if let ctxt { htmlFreeParserCtxt(ctxt) }
    }

    /// The text content of an HTML fragment (UTF-8 in), white space not yet collapsed.
    ///
    /// Simple markup goes through `SimpleHTMLScanner`; anything it declines goes to libxml2's HTML parser,
    /// inside a `<div>` so that text outside any element is not wrapped in an implied `<p>` (which
    /// would put a space between `<b>bold</b>` and the text after it).
    func text(of html: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        out.removeAll(keepingCapacity: true)
        skipDepth = 0
        guard ctxt != nil, html.count > 0 else { return [] }
        if SimpleHTMLScanner.text(html, into: &out) { return out }
        // The fast path is linear on any input; libxml2's HTML parser is quadratic in attributes per tag.
        if MarkupGuard.violation(in: html, html: true) != nil {
            hostileFragments += 1
            out.removeAll(keepingCapacity: true)
            return []
        }
        return libxml2Text(of: html)
    }

    /// How many fragments were dropped because their markup was built to exhaust libxml2 (`MarkupGuard`).
    @exclusivity(unchecked) private(set) var hostileFragments = 0

    /// The same text, always through libxml2 (the fallback of `text(of:)`; tests hold the fast path to it).
    func libxml2Text(of html: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        out.removeAll(keepingCapacity: true)
        skipDepth = 0
        guard let ctxt, html.count > 0, html.count < Int(Int32.max) - 16 else { return [] }
        wrapped.removeAll(keepingCapacity: true)
        wrapped.append(contentsOf: Self.open)
        wrapped.append(contentsOf: html)
        wrapped.append(contentsOf: Self.close)
        wrapped.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                _ = nw_html_parse_utf8(ctxt, $0, Int32(b.count), Self.options)
            }
        }
        return out
    }

    private static let open = Array("<div>".utf8)
    private static let close = Array("</div>".utf8)
    @exclusivity(unchecked) private var wrapped: [UInt8] = []

    /// Plain text (collapsed, trimmed) of an HTML fragment; runs a second pass over double-escaped HTML.
    func plainText(_ html: UnsafeBufferPointer<UInt8>, doubleEscaped: inout Bool) -> String {
        // Most fragments: the scanner's text cleaned as it is found, one pass, no intermediate bytes.
        if ctxt != nil, html.count > 0, let text = SimpleHTMLScanner.plainText(html) { return text }
        var raw = text(of: html)
        // `memchr`, not `Array.contains`: the generic loop cost a tenth of the HTML path over every field's text.
        let hasTag = raw.withUnsafeBufferPointer { b in b.count > 0 && memchr(b.baseAddress!, 0x3C, b.count) != nil }
        if hasTag, raw.withUnsafeBufferPointer({ HTMLElementClass.looksLikeMarkup($0) }) {
            // The publisher escaped HTML twice: what one pass yields is still HTML.
            doubleEscaped = true
            let once = raw
            raw = once.withUnsafeBufferPointer { text(of: $0) }
        }
        return raw.withUnsafeBufferPointer { TextCleaner.clean($0) }
    }

    fileprivate func start(_ name: UnsafePointer<xmlChar>) {
        if skipDepth > 0 {
            skipDepth += 1
            return
        }
        switch classify(name) {
        case .inline: break
        case .block: out.append(0x20)
        case .drop: skipDepth = 1
        }
    }

    fileprivate func end(_ name: UnsafePointer<xmlChar>) {
        if skipDepth > 0 {
            skipDepth -= 1
            return
        }
        if classify(name) == .block { out.append(0x20) }
    }

    fileprivate func text(_ ch: UnsafePointer<xmlChar>, _ len: Int) {
        guard skipDepth == 0 else { return }
        out.append(contentsOf: UnsafeBufferPointer(start: ch, count: len))
    }

    private func classify(_ name: UnsafePointer<xmlChar>) -> HTMLElementClass {
        let key = UnsafeRawPointer(name)
        if let c = classes[key] { return c }
        let c = HTMLElementClass(name: name)
        classes[key] = c
        return c
    }
}
