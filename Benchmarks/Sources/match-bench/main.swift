// match-bench: the topic matcher on the ../shared/bench corpus text, one thread, release build.
//
//   python3 Sources/match-bench/extract_corpus_text.py /tmp/corpus /tmp/match-corpus.txt
//   python3 ../../shared/bench/gen_topics.py --topics 300 --seed 1 --out /tmp/match-topics
//   python3 ../../shared/bench/gen_topics.py --topics 200 --seed 1 --mode selective --out /tmp/match-topics-sel
//   swift run -c release match-bench /tmp/match-corpus.txt /tmp/match-topics/topics.toml \
//       /tmp/match-topics-sel/topics.toml ../Config/default-topics.toml
//
// Each run normalises and scans every item's title and summary and evaluates the topics (what the daemon does
// per new item). Figures: median of 5 runs of thread CPU time (the machine is shared; wall time would measure the
// neighbours too); MB/s over the UTF-8 bytes of title + summary. On all the broad topics, GNU grep runs interleaved
// with the matcher as the yardstick (`GrepReference`; its patterns.txt must sit beside topics.toml; GREP=0 skips it).
import Foundation
import NewswatchCore
import NewswatchMatch

/// Timing helpers (BenchSupport's `getrusage` call does not compile on Linux yet; this harness needs only these).
enum Measure {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// CPU seconds of this thread: on a machine shared with other builds, wall time measures the neighbours too.
    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Each run's thread CPU seconds, sorted.
    static func repeatRuns(_ runs: Int, _ body: () -> Void) -> [Double] {
        (0..<runs).map { _ in
            let t0 = threadCPU()
            body()
            return threadCPU() - t0
        }.sorted()
    }

    static func median(_ s: [Double]) -> Double {
        s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Peak resident set size in MiB, from /proc/self/status (VmHWM).
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kib / 1024
    }
}

struct Item {
    var title: String
    var summary: String
}

func loadCorpus(_ path: String) throws -> (items: [Item], bytes: Int) {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var items: [Item] = []
    var bytes = 0
    for record in data.split(separator: 0x1E) {
        let parts = record.split(separator: 0x1F, omittingEmptySubsequences: false)
        let title = String(decoding: parts[0], as: UTF8.self)
        let summary = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
        bytes += title.utf8.count + summary.utf8.count
        items.append(Item(title: title, summary: summary))
    }
    return (items, bytes)
}

/// Reads `[[topics]]` tables with `id`, `name`, `query`, `exclude` as basic ("…") or multi-line literal ('''…''')
/// strings: enough for gen_topics.py output and Config/default-topics.toml, without a TOML dependency.
func loadTopics(_ path: String) throws -> [TopicDefinition] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var topics: [TopicDefinition] = []
    var current: [String: String] = [:]
    func flush() {
        if let id = current["id"], let query = current["query"] {
            topics.append(
                TopicDefinition(id: id, name: current["name"] ?? id, query: query, exclude: current["exclude"]))
        }
        current = [:]
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
    while let line = lines.popFirst() {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed == "[[topics]]" {
            flush()
            continue
        }
        guard let eq = trimmed.firstIndex(of: "="), !trimmed.hasPrefix("#") else { continue }
        let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
        var value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("'''") {
            var body = String(value.dropFirst(3))
            while !body.contains("'''"), let next = lines.popFirst() { body += "\n" + next }
            value = String(body[..<body.range(of: "'''")!.lowerBound])
            current[key] = value.hasPrefix("\n") ? String(value.dropFirst()) : value
        } else if value.hasPrefix("\"") {
            var out = ""
            var escaped = false
            for c in value.dropFirst() {
                if escaped {
                    out.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    break
                } else {
                    out.append(c)
                }
            }
            current[key] = out
        } else if value.hasPrefix("'") {
            current[key] = String(value.dropFirst().prefix { $0 != "'" })
        }
    }
    flush()
    return topics
}

struct Figures {
    var seconds: Double
    var matchedItems: Int
    var topicMatches: Int
}

func run(_ matcher: TopicMatcher, _ items: [Item], runs: Int) -> Figures {
    var matchedItems = 0
    var topicMatches = 0
    let times = Measure.repeatRuns(runs) {
        matchedItems = 0
        topicMatches = 0
        for item in items {
            let result = matcher.match(MatchableItem(title: item.title, summary: item.summary))
            if !result.isEmpty { matchedItems += 1 }
            topicMatches += result.count
        }
    }
    return Figures(seconds: Measure.median(times), matchedItems: matchedItems, topicMatches: topicMatches)
}

/// `run`, with a grep run after each of the matcher's (interleaved, so both see the same machine load), and
/// grep's figures printed beside the matcher's.
func runBesideGrep(_ matcher: TopicMatcher, _ items: [Item], runs: Int, _ grep: GrepReference) throws -> Figures {
    var seconds: [Double] = []
    var grepSeconds: [Double] = []
    var grepUser: [Double] = []
    var grepSystem: [Double] = []
    var figures = Figures(seconds: 0, matchedItems: 0, topicMatches: 0)
    var grepMatches = 0
    for _ in 0..<runs {
        figures = run(matcher, items, runs: 1)
        seconds.append(figures.seconds)
        let g = try grep.run()
        grepSeconds.append(g.cpuSeconds)
        grepUser.append(g.userSeconds)
        grepSystem.append(g.systemSeconds)
        grepMatches = g.matches
    }
    figures.seconds = Measure.median(seconds.sorted())
    let grepTime = Measure.median(grepSeconds.sorted())
    let ratio = figures.seconds / grepTime
    print(
        String(
            format:
                "reference: LC_ALL=C grep -F -i -o -f patterns.txt (%d runs interleaved): %.3f s CPU (user+sys; "
                + "medians: user %.3f, sys %.3f), %.1f MB/s of the %.1f MB file, %d matches",
            runs, grepTime, Measure.median(grepUser.sorted()), Measure.median(grepSystem.sorted()),
            Double(grep.textBytes) / 1e6 / grepTime, Double(grep.textBytes) / 1e6, grepMatches))
    print(
        String(
            format:
                "matcher / grep time: %.2fx  ->  %.1f MB/s at the reference's %.0f MB/s for grep (target 60 MB/s: <= %.2fx)",
            ratio, GrepReference.referenceMBps / ratio, GrepReference.referenceMBps, GrepReference.referenceMBps / 60))
    return figures
}

func report(_ label: String, _ topics: Int, _ f: Figures, bytes: Int, items: Int) {
    let mb = Double(bytes) / 1e6
    print(
        String(
            format: "%-34@ topics %4d  %7.3f s CPU  %7.1f MB/s  %8.0f items/s  matched items %6d  topic matches %7d",
            label as NSString, topics, f.seconds, mb / f.seconds, Double(items) / f.seconds, f.matchedItems,
            f.topicMatches))
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: match-bench CORPUS_TEXT BROAD_TOPICS_TOML [SELECTIVE_TOPICS_TOML] [DEFAULT_TOPICS_TOML]")
    exit(64)
}
let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "") ?? 5
let corpus = try loadCorpus(args[1])
print(
    "corpus: \(corpus.items.count) items, \(String(format: "%.1f", Double(corpus.bytes) / 1e6)) MB of title + summary")
let broad = try loadTopics(args[2])

// DUMP=PREFIX writes every item's matches (topic, terms, fields) for each topic set to PREFIX.<set>.txt and exits:
// diffing two builds' dumps shows whether a change to the matcher changed any result.
if let dump = ProcessInfo.processInfo.environment["DUMP"] {
    var sets: [(String, [TopicDefinition])] = [("broad", broad)]
    if args.count > 3 { sets.append(("selective", try loadTopics(args[3]))) }
    if args.count > 4 { sets.append(("default", try loadTopics(args[4]))) }
    for (label, topics) in sets {
        let matcher = try TopicMatcher(topics: topics)
        var out = ""
        for (n, item) in corpus.items.enumerated() {
            let result = matcher.match(MatchableItem(title: item.title, summary: item.summary))
            guard !result.isEmpty else { continue }
            out += "\(n)"
            for m in result {
                out += "\t\(m.topicID):" + m.terms.map { "\($0.term)/\($0.field.rawValue)" }.joined(separator: ",")
            }
            out += "\n"
        }
        try out.write(toFile: "\(dump).\(label).txt", atomically: true, encoding: .utf8)
        print("\(label): \(out.utf8.count) bytes of matches written")
    }
    exit(0)
}

// ONLY=300 runs just that broad prefix (for profiling).
// The grep reference runs interleaved with the matcher on all the broad topics (GREP=0: not at all).
let grep =
    ProcessInfo.processInfo.environment["GREP"] == "0" ? nil : GrepReference.beside(topics: args[2], text: args[1])
func measure(_ matcher: TopicMatcher, topics: Int) throws -> Figures {
    if topics == broad.count, let grep { return try runBesideGrep(matcher, corpus.items, runs: runs, grep) }
    return run(matcher, corpus.items, runs: runs)
}

let only = Int(ProcessInfo.processInfo.environment["ONLY"] ?? "")
if let only {
    let matcher = try TopicMatcher(topics: Array(broad.prefix(only)))
    report(
        "broad, first \(only)", only, try measure(matcher, topics: min(only, broad.count)), bytes: corpus.bytes,
        items: corpus.items.count)
    exit(0)
}

// Floor: no topics, so only normalisation and one word-table lookup per word.
report(
    "no topics (normalise + scan)", 0, run(try TopicMatcher(topics: []), corpus.items, runs: runs),
    bytes: corpus.bytes, items: corpus.items.count)

for count in [10, 30, 100, 300] where count <= broad.count {
    let t0 = Measure.now()
    let matcher = try TopicMatcher(topics: Array(broad.prefix(count)))
    let compile = Measure.now() - t0
    report(
        "broad, first \(count) (compile \(String(format: "%.1f", compile * 1000)) ms)", count,
        try measure(matcher, topics: count), bytes: corpus.bytes, items: corpus.items.count)
}
if args.count > 3 {
    let selective = try loadTopics(args[3])
    report(
        "selective", selective.count, run(try TopicMatcher(topics: selective), corpus.items, runs: runs),
        bytes: corpus.bytes, items: corpus.items.count)
}
if args.count > 4 {
    let defaults = try loadTopics(args[4])
    let matcher = try TopicMatcher(topics: defaults)
    report(
        "default topics (gaza, us-israel)", defaults.count, run(matcher, corpus.items, runs: runs),
        bytes: corpus.bytes, items: corpus.items.count)
    var perTopic: [String: Int] = [:]
    for item in corpus.items {
        for m in matcher.match(MatchableItem(title: item.title, summary: item.summary)) {
            perTopic[m.topicID, default: 0] += 1
        }
    }
    print("default topics on the corpus: \(perTopic.sorted { $0.key < $1.key })")
}
print(String(format: "peak RSS %.0f MiB", Measure.peakRSSMiB()))
