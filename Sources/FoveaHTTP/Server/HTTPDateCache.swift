import Glibc

/// The IMF-fixdate for the `Date` header (RFC 9110 §5.6.7), formatted once per
/// second instead of once per response.
struct HTTPDateCache {
    private var second: time_t = -1
    private(set) var bytes: [UInt8] = []

    mutating func update(now: time_t) {
        guard now != second else { return }
        second = now
        var parts = tm()
        var time = now
        gmtime_r(&time, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(29)
        text.append(contentsOf: HTTPDateCache.weekdays[Int(parts.tm_wday)].utf8)
        text.append(contentsOf: ", ".utf8)
        HTTPDateCache.appendTwoDigits(Int(parts.tm_mday), to: &text)
        text.append(ASCII.space)
        text.append(contentsOf: HTTPDateCache.months[Int(parts.tm_mon)].utf8)
        text.append(ASCII.space)
        text.append(contentsOf: String(Int(parts.tm_year) + 1900).utf8)
        text.append(ASCII.space)
        HTTPDateCache.appendTwoDigits(Int(parts.tm_hour), to: &text)
        text.append(ASCII.colon)
        HTTPDateCache.appendTwoDigits(Int(parts.tm_min), to: &text)
        text.append(ASCII.colon)
        HTTPDateCache.appendTwoDigits(Int(parts.tm_sec), to: &text)
        text.append(contentsOf: " GMT".utf8)
        bytes = text
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func appendTwoDigits(_ value: Int, to text: inout [UInt8]) {
        text.append(UInt8(ascii: "0") + UInt8(value / 10))
        text.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
