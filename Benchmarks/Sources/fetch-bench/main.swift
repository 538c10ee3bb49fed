// fetch-bench: newswatch's HTTPClient against `curl --parallel` fetching the same feeds from a local nginx.
//
//   cd Benchmarks && swift run -c release fetch-bench [--corpus /tmp/corpus] [--runs 5] [--parallel 50]
//
// nginx (its own process, config and port in a temp dir, one worker) serves every `feed_*.xml` of the corpus on
// 127.0.0.1. Each run does, interleaved: newswatch 200s round, curl 200s round, newswatch all-304 round (with the
// ETag and Last-Modified of the 200s), curl all-304 round (the same headers). Wall time is monotonic; client CPU is
// this process's user+system time for newswatch (the HTTPClient thread plus the Swift tasks awaiting it) and the
// curl child's (from RUSAGE_CHILDREN, process start-up included; the "curl 1 URL" line shows that fixed cost, its
// "µs/feed" column being the whole run). Medians over the runs are printed.
import BenchSupport
import Foundation
import NewswatchFetch

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var corpus = "/tmp/corpus"
    var runs = 5
    var parallel = 50

    init(_ arguments: [String]) {
        var it = arguments.dropFirst().makeIterator()
        while let arg = it.next() {
            switch arg {
            case "--corpus": corpus = it.next() ?? corpus
            case "--runs": runs = Int(it.next() ?? "") ?? runs
            case "--parallel": parallel = Int(it.next() ?? "") ?? parallel
            default:
                FileHandle.standardError.write(Data("unknown argument \(arg)\n".utf8))
                exit(64)
            }
        }
    }
}

struct Round {
    var wall: Double
    var cpu: Double
    var statuses: [Int: Int]
}

func childCPUSeconds() -> Double {
    var ru = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &ru)
    return Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6 + Double(ru.ru_stime.tv_sec)
        + Double(ru.ru_stime.tv_usec) / 1e6
}

func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
            _ = bind(fd, p, len)
            return getsockname(fd, p, &len)
        }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

func canConnect(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = UInt16(port).bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// nginx as our own child process, serving `root` on 127.0.0.1:`port`.
final class Nginx {
    let process = Process()
    let port: Int
    let dir: String

    init(root: String) throws {
        port = freePort()
        dir = NSTemporaryDirectory() + "nw-fetch-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = """
            worker_processes 1;
            daemon off;
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                sendfile on;
                tcp_nopush on;
                keepalive_requests 1000000;
                keepalive_timeout 120;
                client_body_temp_path \(dir)/body;
                proxy_temp_path \(dir)/proxy;
                fastcgi_temp_path \(dir)/fastcgi;
                uwsgi_temp_path \(dir)/uwsgi;
                scgi_temp_path \(dir)/scgi;
                types { application/rss+xml xml; }
                server { listen 127.0.0.1:\(port); root \(root); }
            }
            """
        try config.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", dir, "-e", dir + "/error.log", "-c", dir + "/nginx.conf"]
        try process.run()
        for _ in 0..<500 where !canConnect(port) { usleep(10_000) }
        guard canConnect(port) else { throw CocoaError(.fileReadUnknown) }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

nonisolated(unsafe) var lastBodyBytes = 0  // Owner: the main task (set and read only there).

func newswatchRound(_ urls: [String], validators: [(String?, String?)]?, parallel: Int) async throws -> (
    Round, [(String?, String?)]
) {
    let configuration = FetchConfiguration(
        maxConcurrent: parallel, maxPerHost: parallel, allowPrivateNetworks: true)
    let client = try HTTPClient(configuration: configuration)
    let t0 = Measure.now()
    let c0 = Measure.cpuSeconds()
    // Like the daemon, keep what the next poll needs and let each body go once it has been looked at.
    let results = await withTaskGroup(of: (Int, Int, String?, String?, Int).self) { group in
        for (i, url) in urls.enumerated() {
            let request = FeedRequest(url: url, etag: validators?[i].0, lastModified: validators?[i].1)
            group.addTask {
                let response = await client.fetch(request).response
                return (i, response?.status ?? -1, response?.etag, response?.lastModified, response?.body.count ?? 0)
            }
        }
        var all = [(Int, String?, String?, Int)](repeating: (-1, nil, nil, 0), count: urls.count)
        for await (i, status, etag, lastModified, bytes) in group { all[i] = (status, etag, lastModified, bytes) }
        return all
    }
    let wall = Measure.now() - t0
    let cpu = Measure.cpuSeconds() - c0
    await client.shutdown()
    var statuses: [Int: Int] = [:]
    var kept: [(String?, String?)] = []
    var bytes = 0
    for (status, etag, lastModified, size) in results {
        statuses[status, default: 0] += 1
        kept.append((etag, lastModified))
        bytes += size
    }
    lastBodyBytes = bytes
    return (Round(wall: wall, cpu: cpu, statuses: statuses), kept)
}

func curlRound(_ urls: [String], validators: [(String?, String?)]?, parallel: Int, dir: String) throws -> Round {
    var config = ""
    for (i, url) in urls.enumerated() {
        if i > 0 { config += "next\n" }
        config += "url = \"\(url)\"\noutput = \"/dev/null\"\nsilent\nwrite-out = \"%{http_code}\\n\"\n"
        if let (etag, lastModified) = validators?[i] {
            if let etag {
                config += "header = \"If-None-Match: \(etag.replacingOccurrences(of: "\"", with: "\\\""))\"\n"
            }
            if let lastModified { config += "header = \"If-Modified-Since: \(lastModified)\"\n" }
        }
    }
    let path = dir + "/curl-\(validators == nil ? "200" : "304").cfg"
    try config.write(toFile: path, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--no-progress-meter", "--parallel", "--parallel-max", String(parallel), "-K", path]
    let out = Pipe()
    process.standardOutput = out
    let t0 = Measure.now()
    let c0 = childCPUSeconds()
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let wall = Measure.now() - t0
    let cpu = childCPUSeconds() - c0
    var statuses: [Int: Int] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        statuses[Int(line) ?? -1, default: 0] += 1
    }
    return Round(wall: wall, cpu: cpu, statuses: statuses)
}

let options = Options(CommandLine.arguments)
let files = try FileManager.default.contentsOfDirectory(atPath: options.corpus)
    .filter { $0.hasPrefix("feed_") && $0.hasSuffix(".xml") }.sorted()
guard !files.isEmpty else {
    print("no feed_*.xml in \(options.corpus); make it with ../shared/bench/gen_corpus.py")
    exit(66)
}
let nginx = try Nginx(root: options.corpus)
defer { nginx.stop() }
let urls = files.map { "http://127.0.0.1:\(nginx.port)/\($0)" }
print(
    "fetch-bench: \(urls.count) feeds from nginx on 127.0.0.1:\(nginx.port), \(options.parallel) in parallel, "
        + "\(options.runs) runs")

// Warm the page cache and nginx's open-file state once, unmeasured.
_ = try curlRound(urls, validators: nil, parallel: options.parallel, dir: nginx.dir)

var rounds: [String: [Round]] = [:]
var bodyBytes200 = 0
for _ in 0..<options.runs {
    // curl's fixed cost (exec, loading, config parsing) is part of its figures above; one URL shows how much.
    rounds["curl 1 URL", default: []].append(
        try curlRound(Array(urls.prefix(1)), validators: nil, parallel: options.parallel, dir: nginx.dir))
    let (full, validators) = try await newswatchRound(urls, validators: nil, parallel: options.parallel)
    rounds["newswatch 200", default: []].append(full)
    bodyBytes200 = lastBodyBytes
    rounds["curl 200", default: []].append(
        try curlRound(urls, validators: nil, parallel: options.parallel, dir: nginx.dir))
    let (unchanged, _) = try await newswatchRound(urls, validators: validators, parallel: options.parallel)
    rounds["newswatch 304", default: []].append(unchanged)
    rounds["curl 304", default: []].append(
        try curlRound(urls, validators: validators, parallel: options.parallel, dir: nginx.dir))
}

func describe(_ statuses: [Int: Int]) -> String {
    statuses.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }.joined(separator: " ")
}

let n = Double(urls.count)
print("round            wall s (median)   CPU s (median)   CPU µs/feed   statuses (last run)")
var medians: [String: (wall: Double, cpu: Double)] = [:]
for name in ["newswatch 200", "curl 200", "newswatch 304", "curl 304", "curl 1 URL"] {
    let list = rounds[name] ?? []
    let wall = Measure.median(list.map(\.wall).sorted())
    let cpu = Measure.median(list.map(\.cpu).sorted())
    medians[name] = (wall, cpu)
    print(
        name.padding(toLength: 17, withPad: " ", startingAt: 0)
            + String(
                format: "%8.3f          %8.3f         %8.1f      ", wall, cpu,
                name == "curl 1 URL" ? cpu * 1e6 : cpu / n * 1e6)
            + describe(list.last?.statuses ?? [:]))
}
for kind in ["200", "304"] {
    if let a = medians["newswatch \(kind)"], let b = medians["curl \(kind)"] {
        print(
            String(
                format: "ratio newswatch/curl, %@ round: wall %.2f×, CPU %.2f×", kind, a.wall / b.wall, a.cpu / b.cpu))
    }
}
print("newswatch body bytes received in its last 200 round: \(bodyBytes200)")
print(String(format: "peak RSS of the benchmark process: %.1f MiB", Measure.peakRSSMiB()))
