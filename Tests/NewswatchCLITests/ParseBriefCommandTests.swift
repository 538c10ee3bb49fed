import Foundation
import NewswatchTestSupport
import Testing

/// `newswatch parse --brief SOURCE...` as an operator runs it over a folder of feeds (issue 18).
@Suite struct ParseBriefCommandTests {
    /// A folder with a good RSS, a good Atom, a broken but recoverable feed, a hostile one and an HTML page.
    static func folder() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write(
            "a-good.rss",
            """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>
            <item><title>One</title></item><item><title>Two</title></item><item><title>Three</title></item>
            </channel></rss>
            """)
        try dir.write(
            "b-good.atom",
            """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:w</id>
            <entry><id>urn:w:1</id><title>Only</title></entry></feed>
            """)
        try dir.write(
            "c-broken.xml",
            "<rss version=\"2.0\"><channel><title>B</title><item><title>x</b></title></item></channel></rss>")
        // An element with 400 attributes: refused as hostile before libxml2 sees it.
        try dir.write(
            "d-hostile.xml",
            "<rss version=\"2.0\"><channel><y " + (0..<400).map { "a\($0)=\"v\"" }.joined(separator: " ")
                + "/></channel></rss>")
        try dir.write("e-page.html", "<!DOCTYPE html><html><body><p>not a feed</p></body></html>")
        return dir
    }

    @Test func oneLinePerSourceInOrderWithTheFirstFailuresStatus() throws {
        let dir = try Self.folder()
        defer { dir.remove() }
        let names = ["a-good.rss", "b-good.atom", "c-broken.xml", "d-hostile.xml", "e-page.html"]
        let result = try NewswatchBinary.run(
            ["parse", "--brief"] + names.map { dir.file($0).path } + [dir.file("f-missing.xml").path], timeout: 30)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 6, "\(result.stdout)")
        guard lines.count == 6 else { return }
        #expect(lines[0] == "\(dir.file("a-good.rss").path): rss2.0, 3 items")
        #expect(lines[1] == "\(dir.file("b-good.atom").path): atom1.0, 1 item")
        #expect(
            lines[2].hasPrefix("\(dir.file("c-broken.xml").path): rss2.0, 1 item, 1 warning: recovered from broken XML")
        )
        #expect(lines[3].hasPrefix("\(dir.file("d-hostile.xml").path): error: "))
        #expect(lines[3].contains("hostile") || lines[3].contains("attributes"), "\(lines[3])")
        #expect(lines[4].hasPrefix("\(dir.file("e-page.html").path): error: "))
        #expect(lines[4].contains("HTML page"))
        #expect(lines[5] == "\(dir.file("f-missing.xml").path): error: no such file; give a feed file, - or a URL")
        // The first failure (the hostile feed) sets the status; stderr says how many failed, in one line.
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("newswatch: 3 of 6 sources could not be parsed"))
    }

    /// A folder's worth (past `parsingManySources`' threshold, parsed on both cores): small and large feeds mixed so
    /// later ones finish first, a broken, a hostile and a missing one, stdin, flags among the sources and a name
    /// that starts with `-` after `--` — every line in argument order, the first failure's status.
    @Test func aFolderOfManyFeedsKeepsArgumentOrder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var names: [String] = []
        var expected: [String] = []
        for i in 0..<100 {
            let name = String(format: "feed-%03d.xml", i)
            names.append(name)
            switch i {
            case 33:
                try dir.write(name, "<rss version=\"2.0\"><channel><item><title>x</b></title></item></channel></rss>")
                expected.append("\(name): rss2.0, 1 item, 1 warning: recovered from broken XML")
            case 50:
                try dir.write(
                    name,
                    "<rss version=\"2.0\"><channel><y " + (0..<400).map { "a\($0)=\"v\"" }.joined(separator: " ")
                        + "/></channel></rss>")
                expected.append("\(name): error: ")
            case 70:
                expected.append("\(name): error: no such file; give a feed file, - or a URL")
            default:
                let n = i % 10 == 1 ? 3_000 : i % 3
                let items = (0..<n).map {
                    "<item><title>Story \($0)</title><description>&lt;p&gt;Body \($0)&lt;/p&gt;</description></item>"
                }
                try dir.write(
                    name, "<rss version=\"2.0\"><channel><title>F\(i)</title>" + items.joined() + "</channel></rss>")
                expected.append("\(name): rss2.0, \(n) item\(n == 1 ? "" : "s")")
            }
        }
        try dir.write("-dash.xml", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>e</id></entry></feed>")
        let arguments =
            ["parse", "-"] + names[..<40] + ["--brief"] + names[40...] + [
                "--allow-private-networks", "--", "-dash.xml",
            ]
        let result = try NewswatchBinary.run(
            arguments, stdin: Data("<rss version=\"2.0\"><channel><item/></channel></rss>".utf8),
            currentDirectory: dir.url, timeout: 120)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let want = ["<stdin>: rss2.0, 1 item"] + expected + ["-dash.xml: atom1.0, 1 item"]
        #expect(lines.count == want.count, "\(result.stdout)")
        for (line, expected) in zip(lines, want) {
            // Errors and warnings are checked up to their wording, which other tests hold.
            let prefixOnly = expected.hasSuffix(": error: ") || expected.hasSuffix("broken XML")
            #expect(prefixOnly ? line.hasPrefix(expected) : line == expected, "\(line)")
        }
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "newswatch: 2 of 102 sources could not be parsed (see the error lines above; the exit status is the first one's)\n"
        )
        // With many sources the usual checks still hold: --json with --brief, and without --brief, are refused.
        let json = try NewswatchBinary.run(["parse", "--brief", "--json"] + names, currentDirectory: dir.url)
        #expect(json.status == 64)
        let plain = try NewswatchBinary.run(["parse"] + names, currentDirectory: dir.url)
        #expect(plain.status == 64)
    }

    @Test func allGoodExitsZeroAndAMissingFirstSourceExits66() throws {
        let dir = try Self.folder()
        defer { dir.remove() }
        let good = try NewswatchBinary.run([
            "parse", "--brief", dir.file("a-good.rss").path, dir.file("b-good.atom").path,
        ])
        #expect(good.status == 0)
        #expect(good.stderr.isEmpty)
        #expect(good.stdout.split(separator: "\n").count == 2)
        let missing = try NewswatchBinary.run(
            ["parse", "--brief", dir.file("nope.xml").path, dir.file("e-page.html").path])
        #expect(missing.status == 66)
        #expect(missing.stdout.split(separator: "\n").count == 2)
    }

    /// A source's name and a feed's text reach the line escaped and on one line: no terminal control gets through.
    @Test func feedTextAndNamesAreEscapedOnOneLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let hostileName = try dir.write(
            "evil\u{1B}]52;c;aGk=\u{07}\nname.xml", "<rss version=\"2.0\"><channel><item/></channel></rss>")
        let result = try NewswatchBinary.run(["parse", "--brief", hostileName.path])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("\u{07}"))
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        #expect(result.stdout.contains("evil\\u{1B}]52;c;aGk=\\u{7} name.xml: rss2.0, 1 item"), "\(result.stdout)")
    }

    @Test func otherModesAreUnchanged() throws {
        let dir = try Self.folder()
        defer { dir.remove() }
        let two = try NewswatchBinary.run(["parse", dir.file("a-good.rss").path, dir.file("b-good.atom").path])
        #expect(two.status == 64)
        let both = try NewswatchBinary.run(["parse", "--brief", "--json", dir.file("a-good.rss").path])
        #expect(both.status == 64)
        let none = try NewswatchBinary.run(["parse", "--brief"])
        #expect(none.status == 64)
        let one = try NewswatchBinary.run(["parse", dir.file("c-broken.xml").path])
        #expect(one.status == 0)
        #expect(one.stdout.contains("Items:       1"))
        #expect(one.stderr.hasPrefix("newswatch: warning: "))
    }
}
