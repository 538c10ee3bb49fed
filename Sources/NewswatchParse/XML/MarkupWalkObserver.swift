/// What `MarkupGuard.walk` tells an observer besides a violation: where it looks for the next tag, and the
/// stretches of the document it steps over without looking at every byte.
///
/// The plain guard only finds `<` (with `memchr`); `PreScan` also validates UTF-8 and checks entity references
/// on the way, so that one pass over the bytes does the work of three.
protocol MarkupWalkObserver {
    /// The offset of the next `<` at or after `p`, or `nil` at the end (or to end the walk early).
    mutating func nextTagOpen(_ b: UnsafeBufferPointer<UInt8>, from p: Int) -> Int?
    /// The walk read `b[from..<to]` as a start tag (the `<` at `from - 1`).
    mutating func steppedOverTag(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int)
    /// The walk skipped `b[from..<to]` as a comment, CDATA section or processing instruction.
    mutating func steppedOverLiteral(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int)
    /// A `<!` or `<?` that is not a terminated comment, CDATA section or PI (a DOCTYPE, say): read on as content.
    mutating func readOnDeclaration()
}
