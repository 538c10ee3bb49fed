import NIOCore
import NIOHTTP1

/// One connection to the metrics endpoint: each request is answered by the ``MetricsResponder``, a HEAD without
/// its body; the connection closes after the answer unless the client asked to keep it alive, and when it sits
/// idle (``IdleStateHandler``). A scrape, which reads the store, runs through the ``MetricsScrapeGate``, off the
/// event loop; every other answer is made on the loop at once.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: MetricsResponder
    private let gate: MetricsScrapeGate
    private var head: HTTPRequestHead?

    init(responder: MetricsResponder, gate: MetricsScrapeGate) {
        self.responder = responder
        self.gate = gate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break  // No endpoint takes a body; it is read and dropped.
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let method = request.method.rawValue
        let uri = request.uri
        guard responder.readsStore(method: method, uri: uri) else {
            write(responder.respondWithoutStore(method: method, uri: uri), to: request, context: context)
            return
        }
        let responder = self.responder
        guard let scrape = gate.run(on: context.eventLoop, { await responder.respond(method: method, uri: uri) }) else {
            let busy = MetricsResponder.Response(
                status: 503, contentType: "text/plain; charset=utf-8",
                body: "busy: earlier scrapes still wait for the store\n")
            write(busy, to: request, context: context)
            return
        }
        // The pipeline's HTTP server handler holds back a pipelined next request until this answer ends.
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        scrape.whenSuccess { answer in
            let (handler, context) = bound.value
            handler.write(answer, to: request, context: context)
        }
    }

    private func write(_ answer: MetricsResponder.Response, to request: HTTPRequestHead, context: ChannelHandlerContext)
    {
        guard context.channel.isActive else { return }
        let body = context.channel.allocator.buffer(string: answer.body)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: answer.contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if answer.status == 405 { headers.add(name: "Allow", value: "GET, HEAD") }
        let keepAlive = request.isKeepAlive
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A malformed request or a reset: nothing to answer on this connection.
        context.close(promise: nil)
    }
}
