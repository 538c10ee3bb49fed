// Item summaries and content as HTML, to plain text.
import FuzzSupport
import NewswatchParse

LibFuzzer.run { data, size in
    _ = HTMLText.plainText(LibFuzzer.text(data, size))
    return 0
}
