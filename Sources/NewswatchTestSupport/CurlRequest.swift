import Foundation

/// One request by `curl` to a loopback server, as a scraper makes it: started at once, finished when read.
public struct CurlRequest: @unchecked Sendable {  // The process and pipe are read by one caller at a time.
    private let process: Process
    private let out: Pipe

    /// Starts `curl` on `url` (`GET`, `HEAD` or another method), giving up after `maxTime` seconds.
    public static func start(_ url: String, method: String = "GET", maxTime: Int = 10) throws -> CurlRequest {
        let curl = try RequiredTool.path("curl", install: "apt-get install curl")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        var arguments = ["-s", "--max-time", String(maxTime), "-o", "-", "-w", "\n%{http_code}"]
        if method == "HEAD" { arguments.append("-I") } else if method != "GET" { arguments += ["-X", method] }
        process.arguments = arguments + [url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        return CurlRequest(process: process, out: out)
    }

    /// Starts and finishes one request: its status code (0 when curl gave up) and body.
    public static func fetch(_ url: String, method: String = "GET", maxTime: Int = 10) throws
        -> (status: Int, body: String)
    {
        try start(url, method: method, maxTime: maxTime).finish()
    }

    /// Whether curl is still waiting for the answer.
    public var isRunning: Bool { process.isRunning }

    /// Waits for the answer: the status code (0 when curl gave up) and the body.
    public func finish() -> (status: Int, body: String) {
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let newline = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: newline)...]) else {
            return (0, text)
        }
        return (status, String(text[..<newline]))
    }
}
