import Foundation
import NewswatchTestSupport

/// A Prometheus exposition read by a test: each sample line `name{labels} value` by its name and labels as written.
struct MetricsScrape {
    let text: String
    /// `name{labels}` (as the exposition writes it, labels in its order) → value.
    let samples: [String: Double]

    init(_ text: String) {
        self.text = text
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        self.samples = samples
    }

    /// The value of the sample `name` whose labels are exactly `labels` (in any order); `nil` when absent.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { key, _ in
            guard key == name || key.hasPrefix(name + "{") else { return false }
            return Self.labels(of: key) == labels
        }?.value
    }

    /// The metric families the exposition declares (`# TYPE name …`).
    var families: Set<String> {
        Set(
            text.split(separator: "\n").compactMap { line in
                line.hasPrefix("# TYPE ") ? line.dropFirst(7).split(separator: " ").first.map(String.init) : nil
            })
    }

    static func labels(of key: String) -> [String: String] {
        guard let open = key.firstIndex(of: "{"), key.hasSuffix("}") else { return [:] }
        var labels: [String: String] = [:]
        let body = key[key.index(after: open)..<key.index(before: key.endIndex)]
        // Label values here never contain `",` (topic ids, sink names, status classes).
        for pair in body.components(separatedBy: "\",") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return labels
    }

    /// `GET`s (or `HEAD`s) `url` with curl: the status code and the body.
    static func fetch(_ url: String, method: String = "GET") throws -> (status: Int, body: String) {
        try CurlRequest.fetch(url, method: method)
    }

    /// Runs `promtool check metrics` on the exposition: its exit status and what it said.
    func promtool() throws -> (status: Int32, output: String) {
        let promtool = try RequiredTool.path("promtool", install: "apt-get install prometheus")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let out = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = out
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
