// `pubDate`, `updated`, `dc:date` and `date_published` strings.
import FuzzSupport
import NewswatchParse

LibFuzzer.run { data, size in
    if let date = FeedDate.parse(LibFuzzer.text(data, size)) {
        // The store keeps whole seconds in an Int64: a parsed date must convert without trapping.
        _ = Int64(exactly: date.timeIntervalSince1970.rounded(.down))
    }
    return 0
}
