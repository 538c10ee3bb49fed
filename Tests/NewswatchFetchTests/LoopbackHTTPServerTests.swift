import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The test server itself, spoken to over a raw socket (so a fault in the client under test cannot hide one here).
@Suite struct LoopbackHTTPServerTests {
    @Test func answersAndRecordsKeepAliveRequests() throws {
        let server = try LoopbackHTTPServer.start { request in
            .ok("hello \(request.path)", contentType: "text/plain", headers: [("X-Test", "1")])
        }
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        let first = try socket.exchange("GET /a?q=1 HTTP/1.1\r\nHost: x\r\nX-Mine: yes\r\n\r\n", expectBody: "hello /a")
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(first.contains("Content-Length: 8\r\n"))
        #expect(first.contains("X-Test: 1\r\n"))
        _ = try socket.exchange(
            "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde", expectBody: "hello /b")
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests.map(\.connection) == [1, 1])
        #expect(requests[0].query == "q=1")
        #expect(requests[0].header("x-mine") == "yes")
        #expect(requests[1].method == "POST")
        #expect(requests[1].bodyText == "abcde")
        #expect(server.maxConcurrentConnections == 1)
    }

    @Test func decodesChunkedRequestBodies() throws {
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .status(204)])
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        let reply = try socket.exchange(
            "POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            expectBody: nil)
        #expect(reply.hasPrefix("HTTP/1.1 204 "))
        #expect(server.requests.first?.bodyText == "abcde")
    }

    @Test func stopEndsHangingConnections() throws {
        let server = try LoopbackHTTPServer.start { _ in .hang }
        let socket = try RawSocket(port: server.port)
        try socket.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(server.waitForRequests(1))
        #expect(server.openConnections == 1)
        server.stop()
        #expect(server.openConnections == 0)
        #expect(socket.readToEnd().isEmpty)
    }

    @Test func unusedPortRefusesConnections() throws {
        let port = try LoopbackHTTPServer.unusedPort()
        #expect(throws: (any Error).self) { _ = try RawSocket(port: port) }
    }
}

/// A blocking TCP client for the server's own tests.
final class RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 {
            close(fd)
            throw LoopbackHTTPServer.Failure("connect failed")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw LoopbackHTTPServer.Failure("send failed")
        }
    }

    /// Sends a request and reads until the response head (and `expectBody`, if given) has arrived.
    func exchange(_ request: String, expectBody: String?) throws -> String {
        try send(request)
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !(received.contains("\r\n\r\n") && (expectBody.map { received.hasSuffix($0) } ?? true)) {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { throw LoopbackHTTPServer.Failure("connection ended: \(received)") }
            received += String(decoding: buffer[0..<n], as: UTF8.self)
        }
        return received
    }

    func readToEnd() -> String {
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return received }
            received += String(decoding: buffer[0..<n], as: UTF8.self)
        }
    }
}
