import Foundation
import NewswatchCore

/// Renders a digest as one self-contained HTML file: inline CSS, no scripts, no remote resources, an inline
/// SVG chart of hourly volume per topic, readable on a phone and in print.
///
/// - Important: every piece of feed and config text is HTML-escaped (also inside attributes), no attribute
///   value is made from feed text except an `href`, and an `href` is emitted only for an `http(s)` URL.
package enum DigestHTMLRenderer {
    /// The digest as an HTML document (UTF-8, `\n` line ends, one trailing newline).
    package static func render(_ data: DigestData) -> String {
        let period = data.period
        let zone = period.timeZone
        var out = ""
        out += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        out += "<title>Digest for " + escape(period.date.description) + "</title>\n"
        out += "<style>\n" + css + "</style>\n</head>\n<body>\n<div class=\"page\">\n"

        out +=
            "<header>\n<h1>Digest for <time datetime=\"" + period.date.description + "\">"
            + escape(DigestText.longDate(period.date)) + "</time></h1>\n"
        out += "<p class=\"period\">" + escape(DigestText.periodSentence(period)) + "</p>\n</header>\n"

        out += "<nav aria-labelledby=\"contents\">\n<p class=\"toc-title\" id=\"contents\">Contents</p>\n<ol>\n"
        for topic in data.topics {
            out +=
                "<li><a href=\"#" + anchor(topic) + "\">" + escape(topic.name) + "</a> <span class=\"count\">"
                + (topic.itemCount == 0
                    ? "nothing" : escape(DigestText.count(topic.itemCount, "item", "items")))
                + "</span></li>\n"
        }
        out +=
            "<li><a href=\"#feed-health\">Feed health</a> <span class=\"count\">"
            + DigestMarkdownRenderer.healthSummary(data.feedHealth) + "</span></li>\n</ol>\n</nav>\n<main>\n"

        for topic in data.topics {
            out += topicSection(topic, period: period, zone: zone)
        }
        out += healthSection(data.feedHealth, zone: zone)
        out += "</main>\n</div>\n</body>\n</html>\n"
        return out
    }

    static func topicSection(_ topic: DigestTopic, period: DigestPeriod, zone: TimeZone) -> String {
        let id = anchor(topic)
        var out = "<section class=\"topic\" id=\"" + id + "\">\n"
        out +=
            "<h2>" + escape(topic.name) + " <span class=\"badge " + topic.priority.rawValue + "\">"
            + topic.priority.rawValue + " priority</span></h2>\n"
        out +=
            "<p class=\"counts\"><strong>" + DigestText.count(topic.itemCount, "item", "items")
            + "</strong> in <strong>"
            + DigestText.count(topic.storyCount, "story", "stories") + "</strong> · "
            + escape(DigestText.average(topic))
            + "</p>\n"
        let stories = topic.orderedStories
        if stories.isEmpty {
            out += "<p class=\"empty\">Nothing today: no item matched this topic in the period.</p>\n</section>\n"
            return out
        }
        out += "<figure class=\"chart\">\n" + chart(topic.hourlyVolume, period: period, captionID: "chart-" + id)
        out +=
            "<figcaption id=\"chart-" + id + "\">Items per hour, " + escape(zone.displayName)
            + " time</figcaption>\n</figure>\n"
        out += "<ol class=\"stories\">\n"
        for story in stories { out += storyItem(story, zone: zone) }
        out += "</ol>\n</section>\n"
        return out
    }

    static func storyItem(_ story: DigestStory, zone: TimeZone) -> String {
        let title = escape(story.displayTitle ?? "(untitled)")
        var out = "<li class=\"story\">\n<h3>"
        if let link = story.displayLink {
            out += "<a href=\"" + escape(link) + "\">" + title + "</a>"
        } else {
            out += title
        }
        out += "</h3>\n"
        let sources = story.orderedSources
        let names = sources.map { source -> String in
            guard let link = DigestText.webLink(source.link) else { return escape(source.feed) }
            return "<a href=\"" + escape(link) + "\">" + escape(source.feed) + "</a>"
        }
        out +=
            "<p class=\"meta\"><time datetime=\"" + Timestamp.format(story.firstSeen) + "\">"
            + DigestText.dayAndTime(story.firstSeen, zone) + "</time> · "
            + DigestText.count(sources.count, "source", "sources") + ": " + names.joined(separator: ", ") + "</p>\n"
        if !story.terms.isEmpty {
            out +=
                "<p class=\"terms\">Matched: "
                + story.terms.map { "<span class=\"term\">" + escape($0) + "</span>" }.joined(separator: " ") + "</p>\n"
        }
        if let summary = DigestText.summary(story.summary) {
            out += "<p class=\"summary\">" + escape(summary) + "</p>\n"
        }
        out += "</li>\n"
        return out
    }

    static func healthSection(_ health: DigestFeedHealth, zone: TimeZone) -> String {
        var out = "<section class=\"health\" id=\"feed-health\">\n<h2>Feed health</h2>\n"
        if health.failed.isEmpty && health.silent.isEmpty {
            out += "<p class=\"empty\">Every feed was fetched without error, and none went silent.</p>\n"
        }
        if !health.failed.isEmpty {
            out += "<h3>Failed during the period</h3>\n<ul>\n"
            for f in health.orderedFailed {
                out +=
                    "<li>" + feedName(f.feed, f.url) + " failed "
                    + (f.failures == 1 ? "once" : String(f.failures) + " times")
                let errors = f.orderedErrors.map {
                    "<span class=\"error\">" + escape($0.message) + "</span> (" + String($0.count) + "×)"
                }
                if !errors.isEmpty { out += ": " + errors.joined(separator: "; ") }
                out += "."
                if let last = f.lastFailure {
                    out +=
                        " Last failure <time datetime=\"" + Timestamp.format(last) + "\">"
                        + DigestText.dayAndTime(last, zone) + "</time>."
                }
                out += "</li>\n"
            }
            out += "</ul>\n"
        }
        if !health.silent.isEmpty {
            out += "<h3>Went silent</h3>\n<ul>\n"
            for s in health.orderedSilent {
                out += "<li>" + feedName(s.feed, s.url) + ": "
                if let last = s.lastNewItem {
                    out +=
                        "no new item since <time datetime=\"" + Timestamp.format(last) + "\">"
                        + DigestText.dayAndTime(last, zone) + "</time>."
                } else {
                    out += "no item ever."
                }
                out += "</li>\n"
            }
            out += "</ul>\n"
        }
        return out + slowestSection(health) + "</section>\n"
    }

    static func feedName(_ name: String, _ url: String?) -> String {
        guard let link = DigestText.webLink(url) else { return "<strong>" + escape(name) + "</strong>" }
        return "<a href=\"" + escape(link) + "\"><strong>" + escape(name) + "</strong></a>"
    }

    /// The section id of a topic: `topic-` and its config id, reduced to `[a-z0-9-]` (config ids already are).
    static func anchor(_ topic: DigestTopic) -> String {
        "topic-"
            + String(
                topic.id.lowercased().unicodeScalars.map {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "-"
                })
    }

    // MARK: Chart

    static let chartWidth = 480.0
    static let chartHeight = 160.0
    static let marginLeft = 34.0
    static let marginRight = 6.0
    static let marginTop = 10.0
    static let marginBottom = 24.0

    /// An SVG bar chart of `volume`, one bar per hour of `period`, with a y axis (0, half, peak), local-time
    /// labels every three hours, and a `<title>` tooltip per hour.
    static func chart(_ volume: [Int], period: DigestPeriod, captionID: String) -> String {
        let starts = period.hourStarts
        let n = max(starts.count, 1)
        let peak = max(volume.max() ?? 0, 1)
        let plotW = chartWidth - marginLeft - marginRight
        let plotH = chartHeight - marginTop - marginBottom
        let slot = plotW / Double(n)
        let baseline = marginTop + plotH
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(chartWidth) + " " + num(chartHeight)
            + "\" role=\"img\" aria-labelledby=\"" + captionID + "\">\n"
        var ticks = [0, peak]
        if peak >= 4 { ticks.insert(peak / 2, at: 1) }
        for t in ticks {
            let y = baseline - Double(t) / Double(peak) * plotH
            out +=
                "<line class=\"" + (t == 0 ? "axis" : "grid") + "\" x1=\"" + num(marginLeft) + "\" y1=\"" + num(y)
                + "\" x2=\"" + num(chartWidth - marginRight) + "\" y2=\"" + num(y) + "\"/>\n"
            out +=
                "<text class=\"y\" x=\"" + num(marginLeft - 5) + "\" y=\"" + num(y + 4) + "\">" + String(t)
                + "</text>\n"
        }
        for (i, start) in starts.enumerated() {
            let count = i < volume.count ? volume[i] : 0
            let x = marginLeft + Double(i) * slot
            let h = Double(count) / Double(peak) * plotH
            let end = i + 1 < starts.count ? starts[i + 1] : period.end
            let tip =
                DigestText.clock(start, period.timeZone) + "–" + DigestText.clock(end, period.timeZone) + ": "
                + DigestText.count(count, "item", "items")
            out +=
                "<g><title>" + escape(tip) + "</title><rect class=\"hit\" x=\"" + num(x) + "\" y=\"" + num(marginTop)
                + "\" width=\"" + num(slot) + "\" height=\"" + num(plotH) + "\"/>"
            if count > 0 {
                out +=
                    "<rect class=\"bar\" x=\"" + num(x + slot * 0.1) + "\" y=\"" + num(baseline - h) + "\" width=\""
                    + num(slot * 0.8) + "\" height=\"" + num(h) + "\"/>"
            }
            out += "</g>\n"
            if i % 3 == 0 {
                // Labels every three hours; on a phone only every six stay, in a larger font.
                out +=
                    "<text class=\"" + (i % 6 == 0 ? "x" : "x minor") + "\" x=\"" + num(x) + "\" y=\""
                    + num(chartHeight - 6) + "\">"
                    + DigestText.clock(start, period.timeZone) + "</text>\n"
            }
        }
        out += "</svg>\n"
        return out
    }

    /// A coordinate with at most two decimals and no locale, so the bytes never vary.
    static func num(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let a = abs(hundredths)
        let frac = a % 100
        if frac == 0 { return sign + String(a / 100) }
        return sign + String(a / 100) + "."
            + (frac % 10 == 0 ? String(frac / 10) : (frac < 10 ? "0" : "") + String(frac))
    }

    /// Text for HTML content or a quoted attribute value: `& < > " '` become character references, and line
    /// breaks, control characters and runs of white space become one space.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in DigestText.oneLine(text).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static let css = """
        :root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d8dee4;--accent:#0b57d0;\
        --bar:#3b6fd8;--high:#b3261e}
        @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#161b22;\
        --line:#30363d;--accent:#7eb0ff;--bar:#5f8fe8;--high:#ff8b80}}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
        body{margin:0;background:var(--bg);color:var(--fg);\
        font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;\
        overflow-wrap:anywhere}
        .page{max-width:46rem;margin:0 auto;padding:1.25rem 1rem 3rem}
        h1{font-size:1.6rem;line-height:1.25;margin:0 0 .35rem}
        h2{font-size:1.3rem;line-height:1.3;margin:2.25rem 0 .35rem;padding-top:.75rem;border-top:2px solid var(--line)}
        h3{font-size:1.05rem;line-height:1.35;margin:0 0 .15rem}
        a{color:var(--accent)}
        p{margin:.35rem 0}
        .period,.counts,.meta,.count,figcaption{color:var(--muted)}
        .period{margin-bottom:1rem}
        nav{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem 1rem}
        .toc-title{font-weight:600;margin:0 0 .2rem}
        nav ol{margin:0;padding-left:1.4rem}
        nav li{margin:.1rem 0}
        .count{font-size:.9rem}
        .badge{display:inline-block;font-size:.75rem;font-weight:500;vertical-align:.15em;border:1px solid currentColor;\
        border-radius:999px;padding:0 .5rem;margin-left:.35rem;color:var(--muted)}
        .badge.high{color:var(--high)}
        .stories{list-style:none;padding:0;margin:1rem 0 0}
        .story{padding:.8rem 0;border-top:1px solid var(--line)}
        .meta{font-size:.9rem;margin:.15rem 0}
        .terms{font-size:.85rem;color:var(--muted)}
        .term{display:inline-block;background:var(--card);border:1px solid var(--line);border-radius:4px;\
        padding:0 .35rem;margin:0 0 .15rem;color:var(--fg)}
        .summary{margin-top:.3rem}
        .empty{font-style:italic;color:var(--muted)}
        .chart{margin:1rem 0 .5rem}
        .chart svg{display:block;width:100%;height:auto;max-height:14rem}
        .chart .bar{fill:var(--bar)}
        .chart .hit{fill:transparent}
        .chart g:hover .bar{opacity:.75}
        .chart .axis{stroke:var(--muted);stroke-width:1}
        .chart .grid{stroke:var(--line);stroke-width:1;stroke-dasharray:3 3}
        .chart text{fill:var(--muted);font:11px system-ui,sans-serif}
        .chart text.y{text-anchor:end}
        .chart text.x{text-anchor:middle}
        @media (max-width:34rem){.chart text{font-size:16px}.chart text.minor{display:none}}
        figcaption{font-size:.85rem;margin-top:.2rem}
        .health ul{padding-left:1.2rem}
        .health li{margin:.4rem 0}
        .error{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
        @media print{:root{--fg:#000;--muted:#444;--bg:#fff;--card:#fff;--line:#bbb;--accent:#000;--bar:#666;--high:#000}
        body{font-size:10.5pt}
        .page{max-width:none;padding:0}
        a{text-decoration:none}
        h2{break-after:avoid}
        .story,.chart,nav{break-inside:avoid}
        .story h3 a[href]::after{content:" " attr(href);font-size:.75em;font-weight:400;color:var(--muted)}}

        """
}
