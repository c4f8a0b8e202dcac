/// SURE's module selection (Zhang et al. 2024): score each 2-D weight tensor by the L2 norm
/// of the forget-loss gradient at the original weights, and keep the modules at or above a
/// percentile of those scores.
public struct Saliency: Sendable, Hashable {
    /// Gradient norm of each 2-D weight tensor, by GGUF name, in layout order.
    public var scores: [(name: String, norm: Double)] {
        zip(names, norms).map { ($0, $1) }
    }
    /// Tensor names, in layout order.
    public let names: [String]
    /// Gradient norms, aligned with `names`.
    public let norms: [Double]

    /// Scores the modules of `layout` from a flat gradient.
    public init(layout: ParameterLayout, gradients: [Float]) {
        var names: [String] = [], norms: [Double] = []
        for e in layout.entries where e.isMatrix {
            var s = 0.0
            for i in e.range { s += Double(gradients[i]) * Double(gradients[i]) }
            names.append(e.name)
            norms.append(s.squareRoot())
        }
        self.names = names
        self.norms = norms
    }

    /// The `p`-th percentile (0–100) of the scores, linearly interpolated like NumPy's default.
    public func threshold(percentile p: Double) -> Double {
        let sorted = norms.sorted()
        guard !sorted.isEmpty else { return 0 }
        let pos = max(0, min(100, p)) / 100 * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(sorted.count - 1, lo + 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
    }

    /// Names of the modules whose score is at or above the `p`-th percentile.
    public func salientModules(percentile p: Double) -> Set<String> {
        let t = threshold(percentile: p)
        return Set(zip(names, norms).filter { $0.1 >= t }.map(\.0))
    }
}

