import Foundation
import Logging
import NewswatchCore
import NewswatchParse
import TOMLKit

// Turning checked strings into paths, URLs and ids.
extension ConfigParser {
    /// A path from the file: `~/` expanded, relative paths against the config file's directory.
    func resolvePath(_ s: String, directory: Bool = false) -> URL {
        var path = s
        if path == "~" || path.hasPrefix("~/") {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            path = home + path.dropFirst()
        }
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path, isDirectory: directory)
            : baseDirectory.appendingPathComponent(path, isDirectory: directory)
        return url.standardizedFileURL
    }

    func existingFile(_ s: String, path: String, what: String) -> URL? {
        let url = resolvePath(s)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            let relative = s.hasPrefix("/") || s.hasPrefix("~") ? "" : " (relative to \(baseDirectory.path))"
            fail(.missingFile, path, "no such \(what): \(url.path)\(relative)")
            return nil
        }
        guard !isDirectory.boolValue else {
            fail(.missingFile, path, "\(url.path) is a directory; name a \(what)")
            return nil
        }
        return url
    }

    /// A secret file, located and checked by ``SecretFile`` (a bare name is a systemd credential).
    func secretFile(_ s: String, path: String, key: String) -> URL? {
        switch SecretFile.locate(s, key: key, environment: environment, resolve: { resolvePath($0) }) {
        case .success(let url): return url
        case .failure(let problem):
            fail(problem.kind, path, problem.message)
            return nil
        }
    }

    func httpURL(_ s: String, path: String, what: String) -> URL? {
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased() else {
            fail(.badURL, path, "'\(URLRedaction.redact(s))' is not a URL; write an absolute http:// or https:// URL")
            return nil
        }
        guard scheme == "http" || scheme == "https" else {
            let hint = what == "feed" ? " (for a local file use path = \"…\")" : ""
            fail(.badURL, path, "the scheme '\(scheme)' is not allowed for a \(what); use http or https\(hint)")
            return nil
        }
        guard url.host?.isEmpty == false else {
            fail(.badURL, path, "'\(URLRedaction.redact(s))' has no host; write an absolute http:// or https:// URL")
            return nil
        }
        return url
    }

    static func isValidTopicID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 64 else { return false }
        func lowerOrDigit(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        return lowerOrDigit(first) && id.unicodeScalars.allSatisfy { lowerOrDigit($0) || $0 == "-" }
    }

    /// A valid id close to `text`, for the error message.
    static func slug(_ text: String) -> String {
        var out = ""
        for c in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(c) || ("0"..."9").contains(c) {
                out.unicodeScalars.append(c)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "my-topic" : String(out.prefix(64))
    }

    static func looksLikeAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !s.contains(where: \.isWhitespace)
    }
}
