import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The file sink: drains the store's deliveries for sink `file` into `<output_dir>/alerts/YYYY-MM-DD.jsonl`
/// (CONTRACT §4), one `Alert.json.compact` line per alert.
///
/// Exactly once across crashes: an alert id already in its file is never written again (each file's ids are read
/// on first use and dropped from memory only once this sink has marked them delivered), a torn last line left by a
/// crash mid-write is cut off before appending, and a delivery is marked delivered only after its line is
/// `fsync`ed. A crash between the write and the mark leaves the delivery pending; the next drain finds the id in
/// the file and only marks it. The file's date is the date of the alert's stored `detected` time in the digest time
/// zone, not of the moment of writing.
package final class FileAlertSink: @unchecked Sendable {
    /// The sink id the store's delivery rows use.
    package static let sinkID = SinkRoute.fileSinkID

    /// An error writing an alert file.
    package struct WriteError: Error, Sendable, CustomStringConvertible {
        package var path: String
        package var message: String
        package var description: String { "alerts file \(path): \(message)" }
    }

    /// `<output_dir>/alerts`.
    package let directory: URL
    package let timeZone: TimeZone
    private let store: any Store
    /// A drain holds it throughout, so drains never interleave.
    private let gate = AsyncGate()
    // Owner: `lock` guards `files` (touched by the offloaded writes of the drain holding `gate`).
    private let lock = NSLock()
    private var files: [String: FileIndex] = [:]

    /// What is known of one file at `size` bytes (another size means: read it again): every alert id in it that
    /// the store may still hand this sink is in `ids`. Any other id in the file is one this sink marked delivered
    /// itself, so no drain (of this daemon or another on the same store) meets it again.
    ///
    /// Read from the file, `ids` holds every id in it: one may be another daemon's, written but not yet marked (that
    /// daemon may die before it marks it, and its claim then passes to this one). A drain adds the ids it writes and
    /// drops the ids of each batch once it has marked them (``forget(_:)``). So a daemon holds the ids it read when
    /// it first opened the file (none in a new day's file) and the batch in hand, not every id it wrote that day,
    /// which grew by 16 bytes an alert, megabytes on a busy day (issue 18).
    private struct FileIndex {
        var ids: AlertIDSet
        var size: Int64
    }

    /// How many files' indexes stay cached: the day being written and the one before (alerts detected before
    /// midnight and drained after it). Older ones are read again if ever needed.
    static let cachedFiles = 2

    /// - Parameters:
    ///   - outputDirectory: the configured `output_dir`; `alerts/` inside it is created when first needed.
    ///   - timeZone: the digest time zone, which decides each alert's file.
    package init(outputDirectory: URL, timeZone: TimeZone, store: any Store) {
        directory = outputDirectory.appendingPathComponent("alerts", isDirectory: true)
        self.timeZone = timeZone
        self.store = store
    }

    /// Writes every alert the store owes this sink and marks them delivered.
    /// - Returns: the alerts newly appended (alerts found already written are only marked).
    @discardableResult
    package func drain(at now: Date, batchSize: Int = 500) async throws -> [Alert] {
        try await gate.withLock {
            var written: [Alert] = []
            while true {
                let pending = try await store.pendingDeliveries(
                    sink: Self.sinkID, dueAt: nil, limit: max(1, batchSize))
                if pending.isEmpty { break }
                var order: [String] = []
                var byFile: [String: [Alert]] = [:]
                for delivery in pending {
                    let name = fileName(for: delivery.alert.detected)
                    if byFile[name] == nil { order.append(name) }
                    byFile[name, default: []].append(delivery.alert)
                }
                // The appends and their fsyncs block: off the cooperative pool.
                written += try await Offload.run(on: Offload.alertQueue) { [self, order, byFile] in
                    try lock.withLock { try order.flatMap { try append(byFile[$0] ?? [], to: $0) } }
                }
                try await store.markDelivered(alertIDs: pending.map(\.alert.id), sink: Self.sinkID, at: now)
                forget(byFile)
                if pending.count < batchSize { break }
            }
            return written
        }
    }

    /// Drops from the cached indexes the ids of a batch this sink has just marked delivered (`byFile`: the batch's
    /// alerts by file name): the store never hands them to this sink again. Only ids this sink marked are dropped; an
    /// id read from the file stays until then, as it may be another daemon's line that daemon never marks.
    private func forget(_ byFile: [String: [Alert]]) {
        lock.withLock {
            for (name, alerts) in byFile where files[name] != nil {
                for alert in alerts { files[name]?.ids.remove(alert.id) }
            }
        }
    }

    /// The number of alert ids the cached index of file `name` holds; `nil` when it is not cached.
    func cachedIDCountForTesting(_ name: String) -> Int? {
        lock.withLock { files[name]?.ids.count }
    }

    /// The file name (`YYYY-MM-DD.jsonl`) for an alert detected at `detected`.
    package func fileName(for detected: Date) -> String {
        CivilDay(detected, in: timeZone).text + ".jsonl"
    }

    private func append(_ alerts: [Alert], to name: String) throws -> [Alert] {
        let path = directory.appendingPathComponent(name).path
        try createDirectoryIfNeeded()
        // Several daemons on one shared store may write one `output_dir` (CONTRACT §9: "one record"), on one host or
        // over NFS: the id check, the torn-line repair and the append+fsync happen under the folder's lock, so no
        // daemon reads another's line half-written, cuts it as torn, or writes an alert another has just written.
        do {
            return try FolderLock(directory: directory.path).withLock { try appendLocked(alerts, to: name, path: path) }
        } catch let error as SystemError {
            throw failure(directory.path, "cannot lock the folder", errno: error.errno)
        }
    }

    /// ``append(_:to:)`` with the folder's lock held.
    private func appendLocked(_ alerts: [Alert], to name: String, path: String) throws -> [Alert] {
        var index = try loadIndex(name, path: path)
        // Out of the cache before it changes: a set shared with the cache is copied whole on the first insert.
        files[name] = nil
        var fresh: [Alert] = []
        var data = Data()
        for alert in alerts where !index.ids.contains(alert.id) {
            index.ids.insert(alert.id)
            fresh.append(alert)
            data.append(contentsOf: Array((alert.json.compact + "\n").utf8))
        }
        guard !data.isEmpty else {
            cache(index, as: name)
            return []
        }
        // Until the write is known complete, the index is not cached: a failure re-reads the file.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(path, "cannot open for appending") }
        defer { close(fd) }
        do throws(SystemError) {
            try Syscall.writeAll(fd, data, path: path)
            try Syscall.fsync(fd, path: path)
        } catch {
            // A full disk or the file size limit can take part of the batch: cut the file back to what it held, so
            // no torn line stays behind and no alert is in the file that is not marked delivered.
            _ = ftruncate(fd, off_t(index.size))
            let what = error.call == "fsync" ? "fsync failed" : "cannot append \(fresh.count) alerts"
            throw failure(path, what, errno: error.errno, owed: true)
        }
        index.size += Int64(data.count)
        cache(index, as: name)
        return fresh
    }

    /// The ids in `name`, reading (and repairing) the file when it is not cached or changed size behind our back.
    private func loadIndex(_ name: String, path: String) throws -> FileIndex {
        if let cached = files[name], let size = fileSize(path), size == cached.size { return cached }
        try createDirectoryIfNeeded()
        guard FileManager.default.fileExists(atPath: path) else {
            let created = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
            guard created >= 0 else { throw failure(path, "cannot create") }
            defer { close(created) }
            do throws(SystemError) {
                try Syscall.fsync(created, path: path)
            } catch {
                throw failure(path, "fsync failed", errno: error.errno)
            }
            // Makes the new file's directory entry durable, so a power loss cannot lose a file whose alerts were
            // marked; best effort.
            try? Syscall.fsyncDirectory(directory.path)
            let index = FileIndex(ids: AlertIDSet(), size: 0)
            cache(index, as: name)
            return index
        }
        guard var bytes = FileManager.default.contents(atPath: path) else { throw failure(path, "cannot read") }
        if let last = bytes.last, last != UInt8(ascii: "\n") {
            // A crash cut the last line short: drop it (its alert is still pending and is written again whole).
            let keep = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            guard truncate(path, off_t(keep)) == 0 else { throw failure(path, "cannot cut the torn last line") }
            bytes = bytes.prefix(keep)
        }
        var ids = AlertIDSet()
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if let id = Self.alertID(in: Data(line)) { ids.insert(id) }
        }
        let index = FileIndex(ids: ids, size: Int64(bytes.count))
        cache(index, as: name)
        return index
    }

    /// Caches `index` as the one of file `name`, dropping the oldest others beyond `cachedFiles` (names are dates).
    private func cache(_ index: FileIndex, as name: String) {
        files[name] = index
        while files.count > Self.cachedFiles, let oldest = files.keys.filter({ $0 != name }).min() {
            files[oldest] = nil
        }
    }

    /// The `id` of one JSON Lines record (the first key in records we write; any position in others).
    static func alertID(in line: Data) -> String? {
        let prefix = Array("{\"id\":\"".utf8)
        if line.count > prefix.count, line.prefix(prefix.count).elementsEqual(prefix) {
            let rest = line.dropFirst(prefix.count)
            if let end = rest.firstIndex(of: UInt8(ascii: "\"")),
                !rest[..<end].contains(UInt8(ascii: "\\"))
            {
                return String(decoding: rest[..<end], as: UTF8.self)
            }
        }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { return nil }
        return object["id"] as? String
    }

    private func createDirectoryIfNeeded() throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw failure(directory.path, "cannot create directory: \(error.localizedDescription)")
        }
    }

    private func fileSize(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int64(st.st_size)
    }

    private func failure(_ path: String, _ what: String, errno code: Int32 = errno, owed: Bool = false) -> WriteError {
        let system = SystemError(what, path: path, errno: code)
        let reason = system.reason
        var message = "\(what): \(reason)"
        if system.isDiskFull {
            message = "\(what): disk full or file size limit (\(reason))"
        }
        if owed { message += "; they stay owed and are written again once there is room" }
        return WriteError(path: path, message: message)
    }
}
