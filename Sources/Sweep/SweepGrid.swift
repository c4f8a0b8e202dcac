import LowBit
import Training

/// What `lowbit sweep` varies: subjects (one target per width), unlearning methods, learning
/// rates, epochs and the unlearning run's weight precision, and which precisions every
/// unlearned model is probed at. Cells are run in that nesting order, target outermost.
public struct SweepGrid: Codable, Sendable, Equatable {
    /// Target GGUF files made by `lowbit train`, usually one per width.
    public var targets: [String]
    /// Unlearning methods (``UnlearningMethod`` raw values, e.g. `GA_GDR`).
    public var methods: [String]
    /// AdamW learning rates.
    public var learningRates: [Double]
    /// Passes over the forget set.
    public var epochs: [Int]
    /// The unlearning run's weight precision (``WeightPrecision`` raw values).
    public var weightPrecisions: [String]
    /// Quantization locks (``QuantizationLock``): `none`, or `q4_0` for constructed positive
    /// controls whose q4_0 model is the target's. `nil` means `["none"]`.
    public var locks: [String]?
    /// Probe precisions (``Precision`` names); the first is the reference (f32).
    public var precisions: [String]
    /// Items per probe split, or `nil` for all.
    public var itemLimit: Int?
    /// Whether the probe runs VerbMem (retained knowledge then counts VerbMem + KnowMem-forget,
    /// as the paper's 21%/83%; without it, KnowMem-forget alone).
    public var verbMem: Bool
    /// Whether every run measures the G-effect at the target and after every epoch.
    public var gEffect: Bool
    /// Retain-term weight α, NPO β, sequences per step, seed.
    public var alpha: Double
    public var beta: Double
    public var batchSize: Int
    public var seed: UInt64

    /// Creates a grid; the defaults are the map on one subject.
    public init(
        targets: [String], methods: [String] = ["GA_GDR", "NPO_KLR"], learningRates: [Double] = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3],
        epochs: [Int] = [5], weightPrecisions: [String] = ["f32"],
        precisions: [String] = ["f32", "q8_0", "q4_0", "nf4", "fp4", "gptq4"], itemLimit: Int? = nil,
        verbMem: Bool = true, gEffect: Bool = true, alpha: Double = 1, beta: Double = 0.1, batchSize: Int = 8, seed: UInt64 = 0
    ) {
        self.targets = targets
        self.methods = methods
        self.learningRates = learningRates
        self.epochs = epochs
        self.weightPrecisions = weightPrecisions
        self.precisions = precisions
        self.itemLimit = itemLimit
        self.verbMem = verbMem
        self.gEffect = gEffect
        self.alpha = alpha
        self.beta = beta
        self.batchSize = batchSize
        self.seed = seed
    }

    /// One run of the grid (everything but the target's width, which is read from the file).
    public struct Point: Sendable, Hashable {
        public var target: String
        public var method: UnlearningMethod
        public var learningRate: Double
        public var epochs: Int
        public var weights: WeightPrecision
        /// The locked quantization type, if any.
        public var lock: GGMLType? = nil

        /// A stable name for files and resuming, e.g. `t0-NPO_KLR-lr0.0001-e5-f32` (with
        /// `-lock-q4_0` for locked runs).
        public func key(targetIndex: Int) -> String {
            "t\(targetIndex)-\(method.rawValue)-lr\(learningRate)-e\(epochs)-\(weights.rawValue)" + (lock.map { "-lock-\($0.name)" } ?? "")
        }
    }

    /// Checks every field and returns the runs in order.
    /// - Throws: ``SweepError/invalidGrid(field:value:expected:)`` for the first bad field.
    public func points() throws(SweepError) -> [Point] {
        guard !targets.isEmpty else { throw .invalidGrid(field: "targets", value: "none", expected: "at least one target") }
        let m = try methods.map { name throws(SweepError) -> UnlearningMethod in
            guard let u = UnlearningMethod(rawValue: name.uppercased()) else {
                throw .invalidGrid(field: "methods", value: name, expected: UnlearningMethod.allCases.map(\.rawValue).joined(separator: "|"))
            }
            return u
        }
        let w = try weightPrecisions.map { name throws(SweepError) -> WeightPrecision in
            guard let p = WeightPrecision(rawValue: name) else {
                throw .invalidGrid(field: "weights", value: name, expected: "f32|f16|bf16|bf16-sr")
            }
            return p
        }
        for (field, list) in [("methods", methods.count), ("lrs", learningRates.count), ("epochs", epochs.count),
                              ("weights", weightPrecisions.count), ("precisions", precisions.count)] where list == 0 {
            throw .invalidGrid(field: field, value: "none", expected: "at least one value")
        }
        if let bad = learningRates.first(where: { !($0 > 0 && $0 <= 1) }) {
            throw .invalidGrid(field: "lrs", value: "\(bad)", expected: "0 < lr <= 1")
        }
        if let bad = epochs.first(where: { $0 < 1 }) { throw .invalidGrid(field: "epochs", value: "\(bad)", expected: ">= 1") }
        for p in precisions where Precision.named(p) == nil {
            throw .invalidGrid(field: "precisions", value: p, expected: Precision.names.joined(separator: ","))
        }
        if Set(precisions.map { $0.lowercased() }).count != precisions.count {
            throw .invalidGrid(field: "precisions", value: precisions.joined(separator: ","), expected: "each precision once")
        }
        let lockTypes = try (locks ?? ["none"]).map { name throws(SweepError) -> GGMLType? in
            if name == "none" { return nil }
            guard name == "q4_0" else { throw .invalidGrid(field: "locks", value: name, expected: "none|q4_0") }
            return .q4_0
        }
        if lockTypes.isEmpty { throw .invalidGrid(field: "locks", value: "none", expected: "at least one value") }
        guard batchSize >= 1 else { throw .invalidGrid(field: "batch", value: "\(batchSize)", expected: ">= 1") }
        var out: [Point] = []
        for t in targets { for method in m { for lr in learningRates { for e in epochs { for wp in w { for lock in lockTypes {
            out.append(Point(target: t, method: method, learningRate: lr, epochs: e, weights: wp, lock: lock))
        } } } } } }
        return out
    }
}
