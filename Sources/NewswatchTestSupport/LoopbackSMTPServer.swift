import Foundation

/// A real SMTP server on `127.0.0.1` for tests: Python's `aiosmtpd` in a child process, port chosen by the kernel,
/// every accepted message saved as a file the test reads back.
///
/// Recipients whose local part starts with `reject` are refused with `550`. With `credentials`, `AUTH PLAIN`/`LOGIN`
/// is offered (without TLS, loopback only) and only those credentials pass. No STARTTLS is offered.
/// `stop()` (or the end of the test process: the child exits when its stdin closes) ends it.
public final class LoopbackSMTPServer: @unchecked Sendable {
    /// One message the server accepted.
    public struct Message: Sendable {
        /// The envelope sender (`MAIL FROM`).
        public var mailFrom: String
        /// The envelope recipients (`RCPT TO`).
        public var recipients: [String]
        /// The user name the client authenticated as, if it did.
        public var login: String?
        /// The message text as received (after the server undid dot-stuffing).
        public var data: Data
        public var text: String { String(decoding: data, as: UTF8.self) }
    }

    /// The port it listens on.
    public let port: Int
    /// `smtp://127.0.0.1:<port>`.
    public var url: String { "smtp://127.0.0.1:\(port)" }
    private let directory: URL
    // Owner: immutable after `start`; `Process` is only terminated and waited on in `stop`.
    private let process: Process
    private let stdin: Pipe

    private init(port: Int, directory: URL, process: Process, stdin: Pipe) {
        self.port = port
        self.directory = directory
        self.process = process
        self.stdin = stdin
    }

    deinit { stop() }

    /// How to install what the server needs (the Debian package, or pip for a `python3` of its own).
    static let install = "apt-get install python3-aiosmtpd (or: python3 -m pip install aiosmtpd)"

    /// Starts a server and waits (at most `timeout` seconds) until it listens.
    /// - Throws: `RequiredTool.Missing` when `python3` or its `aiosmtpd` module is not installed.
    public static func start(
        credentials: (user: String, password: String)? = nil, timeout: TimeInterval = 15
    ) throws -> LoopbackSMTPServer {
        let python = try RequiredTool.python(importing: "aiosmtpd", install: install)
        let directory = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("newswatch-smtp-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("server.py")
        try Data(pythonScript.utf8).write(to: script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, directory.path] + (credentials.map { [$0.user, $0.password] } ?? [])
        let stdin = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        let portFile = directory.appendingPathComponent("port")
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return LoopbackSMTPServer(port: port, directory: directory, process: process, stdin: stdin)
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try? FileManager.default.removeItem(at: directory)
        throw LoopbackHTTPServer.Failure(
            "the SMTP test server did not start: " + (message.isEmpty ? "no error output" : message))
    }

    /// The messages accepted so far, in order of arrival.
    public var messages: [Message] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let newline = data.firstIndex(of: 0x0A),
                let head = try? JSONSerialization.jsonObject(with: data[..<newline]) as? [String: Any]
            else { return nil }
            return Message(
                mailFrom: head["from"] as? String ?? "", recipients: head["to"] as? [String] ?? [],
                login: head["login"] as? String, data: Data(data[(newline + 1)...]))
        }
    }

    /// Waits until at least `count` messages arrived; returns them, or `nil` after `timeout` seconds.
    public func waitForMessages(_ count: Int, timeout: TimeInterval = 10) -> [Message]? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let now = messages
            if now.count >= count { return now }
            if Date() >= deadline { return nil }
            usleep(20_000)
        }
    }

    /// Stops the server (by its PID) and removes its files. Idempotent.
    public func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private static let pythonScript = #"""
        import asyncio, json, os, sys
        from aiosmtpd.smtp import SMTP, AuthResult

        outdir = sys.argv[1]
        credentials = (sys.argv[2].encode(), sys.argv[3].encode()) if len(sys.argv) > 3 else None

        class Handler:
            def __init__(self):
                self.count = 0

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.lower().startswith("reject"):
                    return "550 5.1.1 no such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                self.count += 1
                base = os.path.join(outdir, "%06d" % self.count)
                auth = getattr(session, "auth_data", None)
                login = auth.login.decode() if auth is not None else None
                head = {"from": envelope.mail_from, "to": envelope.rcpt_tos, "login": login}
                data = envelope.original_content or envelope.content
                with open(base + ".tmp", "wb") as f:
                    f.write(json.dumps(head).encode() + b"\n" + data)
                os.rename(base + ".tmp", base + ".eml")
                return "250 2.0.0 accepted"

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = credentials is not None and (auth_data.login, auth_data.password) == credentials
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        async def main():
            loop = asyncio.get_running_loop()
            handler = Handler()
            def factory():
                if credentials is None:
                    return SMTP(handler)
                return SMTP(handler, authenticator=authenticate, auth_require_tls=False)
            server = await loop.create_server(factory, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            with open(os.path.join(outdir, "port.tmp"), "w") as f:
                f.write(str(port))
            os.rename(os.path.join(outdir, "port.tmp"), os.path.join(outdir, "port"))
            # Ends when the test closes our stdin or exits.
            await loop.run_in_executor(None, sys.stdin.read)

        asyncio.run(main())
        """#
}
