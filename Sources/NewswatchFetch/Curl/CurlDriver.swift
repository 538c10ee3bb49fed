import CCurl
import Foundation

/// The one thread that owns a libcurl multi handle: it admits requests within the concurrency limits, runs
/// `curl_multi_perform`/`curl_multi_poll`, and delivers results to `Transfer`s.
///
/// Other threads talk to it only through the locked inbox and `curl_multi_wakeup`; the cooperative pool never blocks.
final class CurlDriver: @unchecked Sendable {
    private enum Command {
        case add(Transfer)
        case cancel(Transfer)
        case shutdown
    }

    let configuration: FetchConfiguration
    private let policy: AddressPolicy?

    // Owner: created in `init`, then used only on the driver thread; other threads call only `curl_multi_wakeup`,
    // and only under `inboxLock` while `multiAlive` (so never after `curl_multi_cleanup`).
    private let multi: UnsafeMutableRawPointer

    // Owner: `inboxLock` guards the inbox and the lifecycle flags below.
    private let inboxLock = NSLock()
    private var inbox: [Command] = []
    private var accepting = true
    private var multiAlive = true
    private var exited = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    // Owner: the driver thread.
    private var waiting: [Transfer?] = []
    private var waitingHead = 0
    private var active: [ObjectIdentifier: Transfer] = [:]
    private var perHost: [String: Int] = [:]

    init(configuration: FetchConfiguration) throws(FetchError) {
        guard CurlGlobal.initialised else { throw FetchError(.internal, "curl_global_init failed", url: "") }
        var permitted: [AddressRange] = []
        for text in configuration.permittedAddresses {
            guard let range = AddressRange(text) else {
                throw FetchError(
                    .invalidRequest, "permitted address \"\(text)\" is not an address or CIDR range", url: "")
            }
            permitted.append(range)
        }
        guard let multi = curl_multi_init() else { throw FetchError(.internal, "curl_multi_init failed", url: "") }
        self.multi = multi
        self.configuration = configuration
        policy = configuration.allowPrivateNetworks ? nil : AddressPolicy(permitted: permitted)
        // Backstop for redirects to a busy host; admission below already keeps first hops within the limit.
        _ = nw_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxPerHost))
    }

    func startThread() {
        Thread { [self] in run() }.start()
    }

    // MARK: - Called from any thread

    /// Queues `transfer`; fails it at once after shutdown.
    func submit(_ transfer: Transfer) {
        let refused: Bool = inboxLock.withLock {
            guard accepting else { return true }
            // A non-empty inbox already has a wakeup pending: the thread drains it whole.
            if inbox.isEmpty { curl_multi_wakeup(multi) }
            inbox.append(.add(transfer))
            return false
        }
        if refused {
            transfer.finish(.failed(FetchError(.shutdown, "the HTTP client was shut down", url: transfer.request.url)))
        }
    }

    /// Fails `transfer` with `.cancelled` now and has the thread drop its handle.
    func cancel(_ transfer: Transfer) {
        guard transfer.finish(.failed(FetchError(.cancelled, "cancelled", url: transfer.request.url))) else { return }
        inboxLock.withLock {
            guard multiAlive else { return }
            if inbox.isEmpty { curl_multi_wakeup(multi) }
            inbox.append(.cancel(transfer))
        }
    }

    /// Stops taking requests and asks the thread to fail everything pending and exit (does not wait).
    func requestShutdown() {
        inboxLock.withLock {
            guard accepting else { return }
            accepting = false
            inbox.append(.shutdown)
            curl_multi_wakeup(multi)
        }
    }

    /// Requests shutdown and waits until the thread has exited.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = inboxLock.withLock {
                if exited { return true }
                exitWaiters.append(continuation)
                if accepting {
                    accepting = false
                    inbox.append(.shutdown)
                    curl_multi_wakeup(multi)
                }
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: - The driver thread

    private func run() {
        Thread.current.name = "newswatch-curl"  // shows in top, perf and gdb
        var running: Int32 = 0
        var needsAdmission = false
        loop: while true {
            let commands: [Command] = inboxLock.withLock {
                defer { inbox.removeAll(keepingCapacity: true) }
                return inbox
            }
            for command in commands {
                switch command {
                case .add(let transfer):
                    if !transfer.isFinished {
                        waiting.append(transfer)
                        needsAdmission = true
                    }
                case .cancel(let transfer):
                    if active[ObjectIdentifier(transfer)] != nil {
                        release(transfer)
                        needsAdmission = true
                    }
                case .shutdown:
                    break loop
                }
            }
            if needsAdmission {
                admit()
                needsAdmission = false
            }
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                var raw: UnsafeMutableRawPointer?
                _ = nw_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &raw)
                guard let raw else { continue }
                let transfer = Unmanaged<Transfer>.fromOpaque(raw).takeUnretainedValue()
                complete(transfer, code: nw_msg_result(message))
                needsAdmission = true
            }
            if needsAdmission {
                admit()
                needsAdmission = false
                // Newly added handles start on the next perform, without waiting in poll.
                continue
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        finishShutdown()
    }

    /// Starts waiting transfers, oldest first, while the global and per-host limits allow.
    private func admit() {
        let maxActive = max(1, configuration.maxConcurrent)
        let maxPerHost = max(1, configuration.maxPerHost)
        var index = waitingHead
        while index < waiting.count && active.count < maxActive {
            defer { index += 1 }
            guard let transfer = waiting[index] else { continue }
            if transfer.isFinished {
                waiting[index] = nil
                continue
            }
            let count = perHost[transfer.hostKey, default: 0]
            guard count < maxPerHost else { continue }
            waiting[index] = nil
            perHost[transfer.hostKey] = count + 1
            active[ObjectIdentifier(transfer)] = transfer
            if let error = CurlEasy.start(transfer, multi: multi, configuration: configuration, policy: policy) {
                release(transfer)
                transfer.finish(.failed(error))
            }
        }
        while waitingHead < waiting.count && waiting[waitingHead] == nil { waitingHead += 1 }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    private func complete(_ transfer: Transfer, code: CURLcode) {
        let result = CurlEasy.result(of: transfer, code: code)
        release(transfer)
        transfer.finish(result)
    }

    /// Takes the transfer out of libcurl and the books, freeing its handle.
    private func release(_ transfer: Transfer) {
        CurlEasy.cleanup(transfer, multi: multi)
        active[ObjectIdentifier(transfer)] = nil
        if let count = perHost[transfer.hostKey] {
            perHost[transfer.hostKey] = count > 1 ? count - 1 : nil
        }
    }

    private func finishShutdown() {
        let late: [Command] = inboxLock.withLock {
            multiAlive = false
            defer { inbox.removeAll() }
            return inbox
        }
        let shutdownError = { (t: Transfer) in
            FetchError(.shutdown, "the HTTP client was shut down", url: t.request.url)
        }
        for transfer in active.values {
            release(transfer)
            transfer.finish(.failed(shutdownError(transfer)))
        }
        for case let transfer? in waiting[waitingHead...] { transfer.finish(.failed(shutdownError(transfer))) }
        for case .add(let transfer) in late { transfer.finish(.failed(shutdownError(transfer))) }
        waiting.removeAll()
        curl_multi_cleanup(multi)
        let waiters: [CheckedContinuation<Void, Never>] = inboxLock.withLock {
            exited = true
            defer { exitWaiters.removeAll() }
            return exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
