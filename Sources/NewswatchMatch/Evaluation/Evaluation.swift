import NewswatchCore

/// The topics scored against labelled items (CONTRACT §8): per topic positives, tp, fp, fn, precision, recall, F1,
/// and optionally every miss. Pure: the cases already carry what the matcher said.
public struct Evaluation: Sendable, Equatable {
    /// Labelled items read.
    public var items: Int
    /// Items that counted for at least one topic (not borderline, labelled for a scored topic).
    public var scored: Int
    /// One score per scored topic, in the order asked for.
    public var topics: [TopicScore]
    /// Every false negative and false positive, in item order (empty unless asked for).
    public var misses: [EvaluationMiss]

    public init(items: Int, scored: Int, topics: [TopicScore], misses: [EvaluationMiss]) {
        self.items = items
        self.scored = scored
        self.topics = topics
        self.misses = misses
    }

    /// Scores `topics` (ids, in output order) over `cases`. A borderline case is not scored; a topic absent from a
    /// case's labels is not scored for that case. With `listMisses`, every fn and fp is listed.
    public static func score(_ cases: [EvaluationCase], topics: [String], listMisses: Bool) -> Evaluation {
        var scores = topics.map { TopicScore(id: $0) }
        var misses: [EvaluationMiss] = []
        var scored = 0
        for c in cases where !c.borderline {
            var counted = false
            for (i, topic) in topics.enumerated() {
                guard let expected = c.labels[topic] else { continue }
                counted = true
                let matched = c.matched.contains(topic)
                if expected { scores[i].positives += 1 }
                let kind: EvaluationMiss.Kind?
                switch (expected, matched) {
                case (true, true):
                    scores[i].truePositives += 1
                    kind = nil
                case (true, false):
                    scores[i].falseNegatives += 1
                    kind = .falseNegative
                case (false, true):
                    scores[i].falsePositives += 1
                    kind = .falsePositive
                case (false, false):
                    kind = nil
                }
                if listMisses, let kind {
                    misses.append(
                        EvaluationMiss(
                            topic: topic, kind: kind, file: c.file, index: c.index, title: c.title,
                            terms: c.terms[topic] ?? []))
                }
            }
            if counted { scored += 1 }
        }
        return Evaluation(items: cases.count, scored: scored, topics: scores, misses: misses)
    }

    /// The CONTRACT §8 object: `{"items", "scored", "topics": [...], "misses": [...]}`; figures rounded to 4 places.
    public var json: JSONValue {
        .object([
            ("items", .int(items)),
            ("scored", .int(scored)),
            (
                "topics",
                .array(
                    topics.map { t in
                        .object([
                            ("id", .string(t.id)), ("positives", .int(t.positives)), ("tp", .int(t.truePositives)),
                            ("fp", .int(t.falsePositives)), ("fn", .int(t.falseNegatives)),
                            ("precision", .double(Self.rounded(t.precision))),
                            ("recall", .double(Self.rounded(t.recall))), ("f1", .double(Self.rounded(t.f1))),
                        ])
                    })
            ),
            (
                "misses",
                .array(
                    misses.map { m in
                        .object([
                            ("topic", .string(m.topic)), ("kind", .string(m.kind.rawValue)), ("file", .string(m.file)),
                            ("index", m.index.map { .int($0) } ?? .null), ("title", .string(m.title)),
                            ("terms", .array(m.terms.map { .string($0) })),
                        ])
                    })
            ),
        ])
    }

    /// The readable form: a header line, one row per topic, then the misses grouped by topic and kind.
    public var text: String {
        var out = "items \(items), scored \(scored)\n"
        var rows = [["TOPIC", "POSITIVES", "TP", "FP", "FN", "PRECISION", "RECALL", "F1"]]
        for t in topics {
            rows.append([
                t.id, String(t.positives), String(t.truePositives), String(t.falsePositives),
                String(t.falseNegatives), Self.figure(t.precision), Self.figure(t.recall), Self.figure(t.f1),
            ])
        }
        out += Self.align(rows)
        for topic in topics.map(\.id) {
            for kind in [EvaluationMiss.Kind.falseNegative, .falsePositive] {
                let list = misses.filter { $0.topic == topic && $0.kind == kind }
                guard !list.isEmpty else { continue }
                let heading = kind == .falseNegative ? "missed (fn)" : "wrongly matched (fp)"
                out += "\n\(topic): \(heading), \(list.count)\n"
                for m in list {
                    let place = m.index.map { "\(m.file)#\($0)" } ?? m.file
                    let terms = m.terms.isEmpty ? "no query term" : m.terms.joined(separator: ", ")
                    out += "  \(place)  \(Self.oneLine(m.title ?? "(untitled)"))\n    terms: \(terms)\n"
                }
            }
        }
        return out
    }

    static func rounded(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }

    static func figure(_ x: Double) -> String {
        let thousandths = Int((x * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Feed text on one line: control characters (a hostile title's escape sequences) become spaces.
    public static func oneLine(_ text: String) -> String {
        String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// Columns padded to their widest cell; the last column is not padded.
    static func align(_ rows: [[String]]) -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i == widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
