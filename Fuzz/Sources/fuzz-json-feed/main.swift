// JSON Feed documents through the same `FeedParser.parse` the daemon calls.
import Foundation
import FuzzSupport
import NewswatchParse

LibFuzzer.run { data, size in
    let bytes = LibFuzzer.bytes(data, size)
    // Keep the corpus on JSON: XML has its own target, and every mutation that breaks the first `{` is wasted here.
    guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == 0x7B
    else { return -1 }
    _ = try? FeedParser.parse(Data(buffer: bytes), baseURL: "https://example.com/feed.json")
    return 0
}
