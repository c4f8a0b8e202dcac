/// Streams text while watching for stop strings: text that might be the start of a stop
/// string is held back until it is known not to be one, so a stop string never reaches the
/// output, not even in part.
public struct StopMatcher: Sendable {
    public let stops: [String]
    private var pending = ""
    /// Whether a stop string has been seen.
    public private(set) var stopped = false

    public init(stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// Adds `text`; returns the part that is safe to emit now.
    public mutating func push(_ text: String) -> String {
        guard !stopped else { return "" }
        pending += text
        if let cut = stops.compactMap({ pending.range(of: $0)?.lowerBound }).min() {
            stopped = true
            let out = String(pending[..<cut])
            pending = ""
            return out
        }
        // Hold back the longest suffix of `pending` that is a proper prefix of some stop.
        var hold = 0
        for s in stops {
            for n in stride(from: min(s.count - 1, pending.count), to: 0, by: -1) where pending.hasSuffix(s.prefix(n)) {
                hold = max(hold, n)
                break
            }
        }
        let out = String(pending.dropLast(hold))
        pending = String(pending.suffix(hold))
        return out
    }

    /// Returns held-back text at the end of generation.
    public mutating func finish() -> String {
        defer { pending = "" }
        return stopped ? "" : pending
    }
}
