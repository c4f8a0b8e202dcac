#if arch(x86_64)
/// The kernels of one stored panel layout (``WidePanel32``, ``WidePanelQ8_0``, ``WidePanelK``, ``WidePanel16``):
/// rows interleaved in panels at load, and the GEMV and GEMM that read them.
protocol PanelKernels {
    /// The activation row the GEMV reads.
    associatedtype Row
    /// Rows per panel.
    static var rows: Int { get }
    /// Converts a `[rows, cols]` matrix from ggml's layout to the panels (same size).
    static func repack(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int)
    /// Stored row `r` back in ggml's layout.
    static func unpack(_ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer)
    /// `y[r] = W[r] · x` for the rows of `range` (starting at a panel boundary).
    static func gemvRows(_ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Row, y: UnsafeMutablePointer<Float>)
    /// `y[t, r] = W[r] · x[t]`, every result as the GEMV of token `t` alone computes it.
    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?)
}

/// A weight type whose matrices are stored in the panels of ``Panels``: the five stored-layout
/// requirements of ``WeightFormat`` forward to them, and the GEMM is exact.
protocol PanelStored: WeightFormat {
    associatedtype Panels: PanelKernels where Panels.Row == Activations.Row
}

extension PanelStored {
    static var repacksAtLoad: Bool { true }
    static var gemmIsExact: Bool { true }
    static var panelRows: Int { Panels.rows }

    static func repackMatrix(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        Panels.repack(src, into: dst, rows: rows, cols: cols)
    }

    static func unpackStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        Panels.unpack(base, row: row, rows: rows, cols: cols, into: dst)
    }

    static func gemvRows(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Activations.Row, y: UnsafeMutablePointer<Float>
    ) {
        Panels.gemvRows(base, range: range, rows: rows, cols: cols, x, y: y)
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        Panels.gemm(base, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool)
    }
}
#endif
