import Foundation

/// A labels file of CONTRACT §8: JSON lines `{"file", "index", "topics": {id: bool}, "borderline"}`, `file`
/// relative to the labels file's folder; other keys (`title`, `note`, …) are ignored, blank lines skipped.
public struct LabelFile: Sendable {
    /// One labelled item.
    public struct Label: Sendable, Equatable {
        /// `file` as written in the line.
        public var file: String
        /// The 0-based position of the item in its feed document.
        public var index: Int
        public var topics: [String: Bool]
        public var borderline: Bool
        /// The line it was read from (1-based), for messages.
        public var line: Int
    }

    /// The labels file as given.
    public var path: String
    public var labels: [Label]

    /// The folder `file` paths are relative to.
    public var folder: URL { URL(fileURLWithPath: path).deletingLastPathComponent() }

    /// Reads and checks every line; the first malformed one is a `dataError` naming `path:line`, a missing file a
    /// `noInput`.
    public static func read(_ path: String) throws(TuningError) -> LabelFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw TuningError(.noInput, "\(path): no such labels file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TuningError(.noInput, "\(path): cannot be read (check its permissions)")
        }
        var labels: [Label] = []
        for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            do {
                labels.append(try label(text, line: n + 1))
            } catch let problem as Problem {
                throw TuningError(.dataError, "\(path):\(n + 1): \(problem.message)")
            } catch {
                throw TuningError(.dataError, "\(path):\(n + 1): not a JSON object")
            }
        }
        return LabelFile(path: path, labels: labels)
    }

    private struct Problem: Error {
        var message: String
    }

    /// A line as JSON; the decoder checks the types (a quoted index or `"yes"` for a topic is malformed).
    private struct Line: Decodable {
        var file: String
        var index: Int
        var topics: [String: Bool]
        var borderline: Bool?
    }

    private static func label(_ text: String, line: Int) throws -> Label {
        let decoded: Line
        do {
            decoded = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw Problem(message: "no \"\(key.stringValue)\" key")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Problem(message: "\"\(path(context))\" has the wrong type (\(expected(context)))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw Problem(message: "\"\(path(context))\" is null (\(expected(context)))")
        } catch {
            throw Problem(message: "not a JSON object")
        }
        guard !decoded.file.isEmpty else { throw Problem(message: "\"file\" is empty") }
        guard decoded.index >= 0 else { throw Problem(message: "\"index\" must be ≥ 0") }
        return Label(
            file: decoded.file, index: decoded.index, topics: decoded.topics, borderline: decoded.borderline ?? false,
            line: line)
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    private static func expected(_ context: DecodingError.Context) -> String {
        switch context.codingPath.first?.stringValue {
        case "file": "a feed file's path"
        case "index": "a whole number ≥ 0"
        case "topics": context.codingPath.count > 1 ? "true or false" : "an object of topic ids to true or false"
        default: "true or false"
        }
    }
}
