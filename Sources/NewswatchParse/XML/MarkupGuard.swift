#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A linear pre-scan that refuses markup libxml2 would take super-linear time over, before libxml2 sees it.
///
/// libxml2 2.9 checks every attribute of a start tag against every other one (duplicates, namespace
/// declarations), so one element with 120,000 attributes (a 1.3 MB feed) costs it seconds, and 3.5 MB more
/// than a minute. Real feeds put a handful of attributes on an element; a start tag with more than
/// `maxAttributes` (counted as `=` outside quoted values), or longer than `maxStartTagBytes`, is hostile.
/// Namespace declarations cost libxml2 a scan of every declaration in scope per prefixed name, so nesting
/// elements that each declare many (250 levels × 128 declarations, 9 MB: over 5 s) is bounded too: at most
/// `maxNamespacesInScope` declarations in scope at once.
/// Comments, CDATA sections and processing instructions are skipped when they are terminated (a `>` or `=`
/// inside them is text); quoted attribute values may hold `>`.
/// - Important: one pass, `memchr` between tags, no allocation per byte (one small stack of open elements).
enum MarkupGuard {
    /// More attributes than any real element carries; the duplicate check over this many is still cheap.
    static let maxAttributes = 256
    /// Far beyond any real start tag, yet well below what makes libxml2 slow. (Not 64 KiB: an inline image
    /// as a `data:` URI in Atom XHTML content can make a legitimate start tag of a few hundred KiB.)
    static let maxStartTagBytes = 1 << 20
    /// Real feeds declare a few dozen namespaces, on the root or on each item (siblings, not nested).
    static let maxNamespacesInScope = 512
    /// libxml2 stops at 256 levels without `XML_PARSE_HUGE`; deeper elements are not tracked.
    private static let maxTrackedDepth = 1024

    /// Where the markup is hostile and why, or `nil` when it is fine.
    /// - Parameter html: HTML rules (libxml2's HTML parser): `<` may occur inside a quoted value and does not
    ///   end a tag. In XML a `<` ends a broken tag, exactly where libxml2 gives up on it.
    static func violation(in b: UnsafeBufferPointer<UInt8>, html: Bool) -> String? {
        var plain = TagFinder()
        return walk(b, html: html, observer: &plain)
    }

    /// The guard's one pass, telling `observer` what it steps over (`PreScan` checks those bytes on the way).
    static func walk<Observer: MarkupWalkObserver>(
        _ b: UnsafeBufferPointer<UInt8>, html: Bool, observer: inout Observer
    ) -> String? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        var p = 0
        // Namespace declarations of each open element, and their sum (XML only).
        var scopes: [Int] = []
        var inScope = 0
        while p < n {
            guard let at = observer.nextTagOpen(b, from: p) else { return nil }
            let next = at + 1
            guard next < n else { return nil }
            switch base[next] {
            case 0x21, 0x3F:  // "<!" and "<?": skipped whole when terminated, else read on as if markup
                if let end = literalEnd(b, at, html: html) {
                    observer.steppedOverLiteral(b, from: next, to: end)
                    p = end
                } else {
                    observer.readOnDeclaration()
                    p = next
                }
            case 0x2F:  // an end tag: its element's declarations leave scope
                if let last = scopes.popLast() { inScope -= last }
                p = next
            default:
                guard FeedDate.isLetter(base[next]) || base[next] == 0x5F || base[next] == 0x3A || base[next] >= 0x80
                else {
                    p = next
                    continue
                }
                switch scanStartTag(b, at, html: html) {
                case .end(let end, let namespaces, let selfClosing):
                    observer.steppedOverTag(b, from: next, to: end)
                    if inScope + namespaces > maxNamespacesInScope {
                        return "more than \(maxNamespacesInScope) namespace declarations in scope (byte \(at))"
                    }
                    if !html, !selfClosing, scopes.count < maxTrackedDepth {
                        scopes.append(namespaces)
                        inScope += namespaces
                    }
                    p = end
                case .hostile(let message): return message
                }
            }
        }
        return nil
    }

    private enum TagScan {
        /// Where scanning goes on, how many namespaces the tag declares, and whether it is `<…/>`.
        case end(Int, namespaces: Int, selfClosing: Bool)
        case hostile(String)
    }

    /// Reads the start tag at `at`: where scanning goes on, or why it is hostile.
    private static func scanStartTag(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, html: Bool) -> TagScan {
        let n = b.count
        let limit = min(n, at + maxStartTagBytes)
        var attributes = 0
        var namespaces = 0
        var j = at + 1
        while j < limit {
            let c = b[j]
            if c == 0x3E {  // '>'
                return .end(j + 1, namespaces: namespaces, selfClosing: b[j - 1] == 0x2F)
            }
            if c == 0x22 || c == 0x27 {  // a quoted value: '>' and '=' inside are text
                var k = j + 1
                // Values are mostly URLs: eight bytes at a time while none is the quote or (XML) a '<'.
                if let base = b.baseAddress {
                    while k + 8 <= limit {
                        let w = ByteWords.load(base + k)
                        if ByteWords.contains(w, c) || (!html && ByteWords.contains(w, 0x3C)) { break }
                        k += 8
                    }
                }
                while k < limit, b[k] != c {
                    if !html, b[k] == 0x3C { return .end(k, namespaces: namespaces, selfClosing: false) }
                    k += 1
                }
                j = k + 1
                continue
            }
            if c == 0x3D {  // '='
                attributes += 1
                if attributes > maxAttributes {
                    return .hostile("an element with more than \(maxAttributes) attributes (byte \(at))")
                }
                if !html, declaresNamespace(b, before: j) { namespaces += 1 }
            } else if c == 0x3C, !html {
                return .end(j, namespaces: namespaces, selfClosing: false)
            }
            j += 1
        }
        if limit < n { return .hostile("a start tag longer than \(maxStartTagBytes >> 20) MiB (byte \(at))") }
        return .end(n, namespaces: namespaces, selfClosing: false)
    }

    /// Whether the attribute name before the `=` at `eq` is `xmlns` or `xmlns:…`.
    private static func declaresNamespace(_ b: UnsafeBufferPointer<UInt8>, before eq: Int) -> Bool {
        var end = eq
        while end > 0, FeedDate.isSpace(b[end - 1]) { end -= 1 }
        var start = end
        while start > 0, !FeedDate.isSpace(b[start - 1]), b[start - 1] != 0x22, b[start - 1] != 0x27,
            b[start - 1] != 0x3C, b[start - 1] != 0x3D
        {
            start -= 1
        }
        guard end - start >= 5, LiteralRegions.starts(b, start, "xmlns") else { return false }
        return end - start == 5 || b[start + 5] == 0x3A
    }

    /// The end of the comment, CDATA section or processing instruction at `at`, when terminated the way libxml2
    /// ends it. Anything else after `<!` (a DOCTYPE and the declarations of its internal subset, whose entity
    /// values may hold markup libxml2 parses when the entity is referenced) is read on as if it were content.
    private static func literalEnd(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, html: Bool) -> Int? {
        if LiteralRegions.starts(b, at, "<!--") { return LiteralRegions.find(b, "-->", from: at + 4) }
        if html { return nil }  // libxml2's HTML parser ends a "<?" at '>' and has no CDATA: scan on
        if LiteralRegions.starts(b, at, "<![CDATA[") { return LiteralRegions.find(b, "]]>", from: at + 9) }
        if LiteralRegions.starts(b, at, "<?") { return LiteralRegions.find(b, "?>", from: at + 2) }
        return nil
    }

    /// The plain guard's observer: `memchr` to the next `<`, nothing else looked at.
    private struct TagFinder: MarkupWalkObserver {
        func nextTagOpen(_ b: UnsafeBufferPointer<UInt8>, from p: Int) -> Int? {
            guard let base = b.baseAddress, let hit = memchr(base + p, 0x3C, b.count - p) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        func steppedOverTag(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {}
        func steppedOverLiteral(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {}
        func readOnDeclaration() {}
    }
}
