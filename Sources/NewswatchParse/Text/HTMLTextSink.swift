/// Where `SimpleHTMLScanner` puts the text it finds: the raw bytes (`[UInt8]`, for libxml2's comparison and the
/// two-pass path) or `CleanWriter` (collapsed straight into a `String`).
protocol HTMLTextSink {
    /// Text bytes as they stand in the source (whole UTF-8 sequences).
    mutating func appendRun(_ start: UnsafePointer<UInt8>, _ count: Int)
    /// One ASCII byte: a block element's space or a lone `&`.
    mutating func appendByte(_ byte: UInt8)
    /// A decoded character reference.
    mutating func appendScalar(_ v: UInt32)
}

extension Array: HTMLTextSink where Element == UInt8 {
    mutating func appendRun(_ start: UnsafePointer<UInt8>, _ count: Int) {
        append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }

    mutating func appendByte(_ byte: UInt8) { append(byte) }

    mutating func appendScalar(_ v: UInt32) { UTF8Bytes.appendScalar(v, to: &self) }
}
