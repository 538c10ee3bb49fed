// An OPML subscription list, as `opml =` in the config names it.
import FuzzSupport
import NewswatchParse

LibFuzzer.run { data, size in
    _ = try? OPMLParser.parse(Array(LibFuzzer.bytes(data, size)))
    return 0
}
