import Foundation
import NewswatchConfig
import NewswatchCore

/// Turns a bundled sample feed into a live-looking one by replacing its date placeholders.
///
/// Sample feeds under `Config/demo/` carry dates as `@@RFC822 -1h40m@@`, `@@RFC3339 -8m@@` or `@@W3C -2h@@`:
/// a format and an age. Serving them with dates relative to "now" makes the newest items minutes old, so the
/// demo shows what a real poll round sees (backfill windows, digest periods) on any day it is run.
/// The substitution works on bytes, so a sample in windows-1252 stays in windows-1252.
public enum DemoFeedTemplate {
    /// The sample with every placeholder replaced; unknown or malformed placeholders are left as they are.
    public static func render(_ template: Data, now: Date) -> Data {
        let bytes = [UInt8](template)
        let marker: [UInt8] = Array("@@".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == marker[0], i + 1 < bytes.count, bytes[i + 1] == marker[1],
                let end = findMarker(bytes, from: i + 2),
                let replacement = replacement(for: bytes[(i + 2)..<end], now: now)
            {
                out.append(contentsOf: replacement.utf8)
                i = end + 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return Data(out)
    }

    private static func findMarker(_ bytes: [UInt8], from start: Int) -> Int? {
        var j = start
        // Placeholders are short; don't scan the whole document for a stray "@@".
        while j + 1 < bytes.count, j - start < 40 {
            if bytes[j] == 0x40, bytes[j + 1] == 0x40 { return j }
            j += 1
        }
        return nil
    }

    private static func replacement(for body: ArraySlice<UInt8>, now: Date) -> String? {
        let parts = String(decoding: body, as: UTF8.self).split(separator: " ")
        guard parts.count == 2, parts[1].hasPrefix("-"),
            let age = ConfigDuration(String(parts[1].dropFirst()))
        else { return nil }
        let date = now.addingTimeInterval(-age.timeInterval)
        switch parts[0] {
        case "RFC822": return rfc822(date)
        case "RFC3339", "W3C": return Timestamp.format(date)
        default: return nil
        }
    }

    /// `Tue, 24 Nov 2026 18:00:00 +0000`.
    static func rfc822(_ date: Date) -> String {
        let secs = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let rem = secs - days * 86400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((days % 7) + 7) % 7)]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][Int(m - 1)]
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(weekday), \(two(d)) \(month) \(y) \(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60)) +0000"
    }
}
