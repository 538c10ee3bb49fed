/// A digest file format, as named in `digest.formats` and used as the file extension.
public enum DigestFormat: String, Sendable, CaseIterable, Hashable {
    /// Markdown (`.md`).
    case markdown = "md"
    /// A self-contained HTML page (`.html`).
    case html = "html"
    /// The digest model as JSON (`.json`).
    case json = "json"

    /// The file name extension (`md`, `html`, `json`).
    public var fileExtension: String { rawValue }
}
