import Foundation

/// Where a probe run is: items done out of the total over all cells, the rate, and the cell
/// running now. Reported after every item; the CLI turns it into a progress line.
public struct ProbeProgress: Sendable, Equatable {
    /// Items finished, over all cells.
    public var done: Int
    /// Items in the whole run.
    public var total: Int
    /// 0-based index of the cell running now.
    public var cellIndex: Int
    /// Number of cells (models × precisions).
    public var cellCount: Int
    /// The running cell, e.g. `"GA_GDR @ q4_0"`.
    public var cell: String
    /// Seconds since the run started (after loading and checking).
    public var elapsedSeconds: Double

    /// Creates a progress report.
    public init(done: Int, total: Int, cellIndex: Int, cellCount: Int, cell: String, elapsedSeconds: Double) {
        self.done = done
        self.total = total
        self.cellIndex = cellIndex
        self.cellCount = cellCount
        self.cell = cell
        self.elapsedSeconds = elapsedSeconds
    }

    /// Items per second so far; 0 before the first item.
    public var itemsPerSecond: Double { elapsedSeconds > 0 ? Double(done) / elapsedSeconds : 0 }

    /// Estimated seconds left at the current rate; `nil` before the first item.
    public var etaSeconds: Double? {
        guard done > 0, itemsPerSecond > 0 else { return nil }
        return Double(total - done) / itemsPerSecond
    }

    /// One line, e.g. `"[3/10] GA_GDR @ q4_0  120/500 items  4.1 items/s  ETA 1m32s"`.
    public var line: String {
        var s = "[\(cellIndex + 1)/\(cellCount)] \(cell)  \(done)/\(total) items  "
            + String(format: "%.1f items/s", itemsPerSecond)
        if let eta = etaSeconds { s += "  ETA " + Self.duration(eta) }
        return s
    }

    /// `"1h02m"`, `"3m05s"` or `"42s"`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}

/// Counts finished items across workers and forwards progress to the caller's closure.
final class ProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private let handler: (@Sendable (ProbeProgress) -> Void)?
    private let start = DispatchTime.now().uptimeNanoseconds
    private var state: ProbeProgress

    init(total: Int, cellCount: Int, handler: (@Sendable (ProbeProgress) -> Void)?) {
        self.handler = handler
        state = ProbeProgress(done: 0, total: total, cellIndex: 0, cellCount: cellCount, cell: "", elapsedSeconds: 0)
    }

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    func beginCell(_ index: Int, label: String) {
        lock.lock()
        state.cellIndex = index
        state.cell = label
        state.elapsedSeconds = elapsed
        let s = state
        lock.unlock()
        handler?(s)
    }

    func itemDone() {
        lock.lock()
        state.done += 1
        state.elapsedSeconds = elapsed
        let s = state
        lock.unlock()
        handler?(s)
    }

    var snapshot: ProbeProgress {
        lock.lock(); defer { lock.unlock() }
        var s = state
        s.elapsedSeconds = elapsed
        return s
    }
}
