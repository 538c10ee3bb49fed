// parse-bench: newswatch's feed parser on a ../shared/bench corpus, beside libxml2's own floor.
//
//   swift run -c release parse-bench [CORPUS_DIR] [RUNS] [XML_LIMIT_BINARY]
//
// Every file is read into memory first (not timed). One thread parses every document to items
// (text extracted, dates parsed), RUNS times; the median run is reported as MB/s and items/s, with
// the process's peak RSS. Interleaved with those runs, `xml_limit dom-text` and `xml_limit sax` (libxml2 alone,
// gcc -O2) parse the same files, and the ratios are printed.
import BenchSupport
import Foundation
import NewswatchParse

let args = CommandLine.arguments
let corpus = args.count > 1 ? args[1] : "/tmp/corpus"
let runs = args.count > 2 ? Int(args[2]) ?? 5 : 5
let xmlLimit = args.count > 3 ? args[3] : "/tmp/xml_limit"

let names = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".xml") }.sorted()
let files = try names.map { try Data(contentsOf: URL(fileURLWithPath: corpus).appendingPathComponent($0)) }
let bytes = files.reduce(0) { $0 + $1.count }
print("corpus: \(corpus), \(files.count) files, \(bytes) bytes")

// The floor, on the same files: xml_limit reads the same list and reports its own in-process time.
let list = NSTemporaryDirectory() + "parse-bench-files.txt"
try names.map { corpus + "/" + $0 }.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
let haveReference = FileManager.default.isExecutableFile(atPath: xmlLimit)
func reference(_ mode: String) throws -> Double? {
    guard haveReference else { return nil }
    let out = try Measure.shell("\(xmlLimit) \(mode) \(list) 1")
    guard let r = out.range(of: "secs=") else { return nil }
    return Double(out[r.upperBound...].prefix { $0 != " " })
}

var items = 0
var textBytes = 0
var dated = 0
var failures = 0
var ours: [Double] = []
var domText: [Double] = []
var sax: [Double] = []
// Runs are interleaved (newswatch, dom-text, sax, newswatch, …) so that load from other processes on a
// shared machine falls on all three alike; the ratios of the medians are the figures to compare.
for _ in 0..<runs {
    items = 0
    textBytes = 0
    dated = 0
    failures = 0
    let t0 = Measure.now()
    for data in files {
        do {
            let feed = try FeedParser.parse(data)
            items += feed.items.count
            for item in feed.items {
                textBytes += (item.title?.utf8.count ?? 0) + (item.summary?.utf8.count ?? 0)
                    + (item.content?.utf8.count ?? 0)
                if item.published != nil || item.updated != nil { dated += 1 }
            }
        } catch {
            failures += 1
        }
    }
    ours.append(Measure.now() - t0)
    if let t = try reference("dom-text") { domText.append(t) }
    if let t = try reference("sax") { sax.append(t) }
}
let median = Measure.median(ours)
let mbps = Double(bytes) / median / 1e6
print(
    String(
        format: "newswatch: median %.4f s over %d runs (min %.4f, max %.4f)  %.1f MB/s  %.0f items/s",
        median, runs, ours.min()!, ours.max()!, mbps, Double(items) / median))
print("  items \(items), dated \(dated), text bytes \(textBytes), failures \(failures)")
print(String(format: "  peak RSS %.1f MiB", Measure.peakRSSMiB()))
for (mode, times) in [("dom-text", domText), ("sax", sax)] {
    guard !times.isEmpty else {
        print("xml_limit \(mode): not run (build \(xmlLimit) from ../shared/bench/xml_limit.c)")
        continue
    }
    let t = Measure.median(times)
    print(
        String(
            format: "xml_limit %@: median %.4f s  %.1f MB/s   newswatch time / %@ time = %.2f", mode, t,
            Double(bytes) / t / 1e6, mode, median / t))
}
