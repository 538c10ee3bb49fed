/// A duration as written in the config: `90s`, `10m`, `6h`, `30d`, or a sum such as `1h30m`.
public struct ConfigDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in whole seconds.
    public var seconds: Int64

    /// A duration of `seconds` seconds.
    public init(seconds: Int64) { self.seconds = seconds }

    /// Parses `90s`, `10m`, `6h`, `30d`, `2w`, `1h30m`; `nil` for anything else (including zero units or no unit).
    public init?(_ text: String) {
        var total: Int64 = 0
        var number: Int64? = nil
        var sawUnit = false
        for ch in text.trimmingSpaces() {
            if let digit = ch.wholeNumberValue, ch.isASCII {
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (n, o2) = m.addingReportingOverflow(Int64(digit))
                if o1 || o2 { return nil }
                number = n
                continue
            }
            let unit: Int64
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604800
            default: return nil
            }
            guard let n = number else { return nil }
            let (p, o1) = n.multipliedReportingOverflow(by: unit)
            let (t, o2) = total.addingReportingOverflow(p)
            if o1 || o2 { return nil }
            total = t
            number = nil
            sawUnit = true
        }
        guard sawUnit, number == nil else { return nil }
        seconds = total
    }

    /// The length as a Foundation `TimeInterval`.
    public var timeInterval: Double { Double(seconds) }

    /// The shortest canonical spelling (`90s` stays `90s`, `3600s` becomes `1h`).
    public var description: String {
        if seconds == 0 { return "0s" }
        for (unit, suffix) in [(Int64(86400), "d"), (3600, "h"), (60, "m")] where seconds % unit == 0 {
            return "\(seconds / unit)\(suffix)"
        }
        return "\(seconds)s"
    }

    /// Shorter.
    public static func < (a: ConfigDuration, b: ConfigDuration) -> Bool { a.seconds < b.seconds }
}

/// A size as written in the config: `10MiB`, `512KiB`, `1GiB`, `2MB`, `1000` (bytes).
public struct ByteSize: Sendable, Hashable, CustomStringConvertible {
    /// The size in bytes.
    public var bytes: Int64

    /// A size of `bytes` bytes.
    public init(bytes: Int64) { self.bytes = bytes }

    /// Parses `10MiB`, `512 KiB`, `2MB`, `1000`; `nil` for anything else (or a size that overflows).
    public init?(_ text: String) {
        let t = text.trimmingSpaces()
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int64(digits) else { return nil }
        let unit: Int64
        switch t.dropFirst(digits.count).trimmingSpaces().lowercased() {
        case "", "b": unit = 1
        case "k", "kb": unit = 1000
        case "kib": unit = 1024
        case "m", "mb": unit = 1_000_000
        case "mib": unit = 1 << 20
        case "g", "gb": unit = 1_000_000_000
        case "gib": unit = 1 << 30
        default: return nil
        }
        let (p, o) = n.multipliedReportingOverflow(by: unit)
        if o { return nil }
        bytes = p
    }

    /// The largest binary unit that divides it (`10MiB`), else bytes (`1000B`).
    public var description: String {
        for (unit, suffix) in [(Int64(1 << 30), "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        where bytes >= unit && bytes % unit == 0 {
            return "\(bytes / unit)\(suffix)"
        }
        return "\(bytes)B"
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
