/// Numbers computed across a report's cells.
public struct ProbeAggregates: Codable, Equatable, Sendable {
    /// The paper's headline figure at one precision (see ``Recovery/retainedFraction(_:)``).
    public struct RetainedKnowledge: Codable, Equatable, Sendable {
        /// The unlearned models' precision label.
        public var precision: String
        /// The precision label of the target they are divided by.
        public var targetPrecision: String
        /// Σ (VerbMem + KnowMem-forget) of the unlearned cells / the same sum for the target.
        public var fraction: Double
        /// How many unlearned cells entered the sum.
        public var unlearnedCount: Int
        /// The models that entered the sum.
        public var models: [String]

        /// Creates an entry.
        public init(precision: String, targetPrecision: String, fraction: Double, unlearnedCount: Int, models: [String] = []) {
            self.precision = precision
            self.targetPrecision = targetPrecision
            self.fraction = fraction
            self.unlearnedCount = unlearnedCount
            self.models = models
        }
    }

    /// Retained-knowledge fractions, per precision, against the same-precision target and
    /// (for quantized precisions) against the reference-precision target.
    public var retainedKnowledge: [RetainedKnowledge]

    /// One point of the bits sweep: an unlearned model's retained forget knowledge at one
    /// precision, against the target at the same precision.
    public struct BitsPoint: Codable, Equatable, Sendable {
        /// The quantizer family (``QuantizationRecord/family``).
        public var family: String
        public var bits: Int
        public var precision: String
        /// The unlearned model, or `"constrained"` for the sum over the constrained methods.
        public var model: String
        /// (VerbMem + KnowMem-forget) / the target's, as ``Recovery/retainedFraction(_:)``.
        public var fraction: Double
    }

    /// Retained forget knowledge against bits, per quantizer family and model (cells with a
    /// quantization record), ordered by family, then bits from high to low.
    public var bitsSweep: [BitsPoint]?

    /// Creates aggregates.
    public init(retainedKnowledge: [RetainedKnowledge] = [], bitsSweep: [BitsPoint]? = nil) {
        self.retainedKnowledge = retainedKnowledge
        self.bitsSweep = bitsSweep
    }

    /// The bits sweep of `cells` (see ``bitsSweep``).
    static func sweep(cells: [ProbeCell]) -> [BitsPoint] {
        func knowledge(_ c: ProbeCell) -> Recovery.ForgetKnowledge? {
            guard let v = c.verbMem, let k = c.knowMemForget else { return nil }
            return Recovery.ForgetKnowledge(verbMem: v, knowMemForget: k)
        }
        var points: [BitsPoint] = []
        var labels: [String] = []
        for c in cells where c.quantization != nil && !labels.contains(c.precisionLabel) { labels.append(c.precisionLabel) }
        for label in labels {
            guard let target = cells.first(where: { $0.role == .target && $0.precisionLabel == label }),
                  let t = knowledge(target), let q = target.quantization else { continue }
            let unlearned = cells.filter { $0.role == .unlearned && $0.precisionLabel == label }
            var pairs: [(unlearned: Recovery.ForgetKnowledge, target: Recovery.ForgetKnowledge)] = []
            for u in unlearned {
                guard let k = knowledge(u), let f = Recovery.retainedFraction([(k, t)]) else { continue }
                points.append(BitsPoint(family: q.family, bits: q.bits, precision: label, model: u.modelName, fraction: f))
                if isConstrained(u) { pairs.append((k, t)) }
            }
            if let f = Recovery.retainedFraction(pairs) {
                points.append(BitsPoint(family: q.family, bits: q.bits, precision: label, model: "constrained", fraction: f))
            }
        }
        return points.enumerated().sorted { a, b in
            (a.element.family, -a.element.bits, a.offset) < (b.element.family, -b.element.bits, b.offset)
        }.map(\.element)
    }

    /// Computes the retained-knowledge fractions from a single corpus's cells.
    ///
    /// Like the paper, the sum runs over the utility-constrained methods (a GDR or KLR
    /// regularizer in the name or method, see ``isConstrained(_:)``) when there are any:
    /// unconstrained GA and NPO destroy utility and are not what quantization brings back.
    /// Without constrained models, every unlearned model counts.
    ///
    /// For each precision label that has unlearned cells (in order of first appearance), the
    /// unlearned cells with both VerbMem and KnowMem-forget are paired with the target cell at
    /// the same label, and again with the target at `referencePrecision` when that differs.
    /// Labels with no matching target are skipped.
    /// - Parameters:
    ///   - cells: The report's cells.
    ///   - referencePrecision: The full-precision label, e.g. `"f32"`.
    public static func compute(cells: [ProbeCell], referencePrecision: String) -> ProbeAggregates {
        let all = cells.filter { $0.role == .unlearned }
        let constrained = all.filter(isConstrained)
        let pool = constrained.isEmpty ? all : constrained
        var labels: [String] = []
        for cell in pool where !labels.contains(cell.precisionLabel) {
            labels.append(cell.precisionLabel)
        }
        func knowledge(_ c: ProbeCell) -> Recovery.ForgetKnowledge? {
            guard let v = c.verbMem, let k = c.knowMemForget else { return nil }
            return Recovery.ForgetKnowledge(verbMem: v, knowMemForget: k)
        }
        func target(at label: String) -> Recovery.ForgetKnowledge? {
            cells.first { $0.role == .target && $0.precisionLabel == label }.flatMap(knowledge)
        }
        var out: [RetainedKnowledge] = []
        for label in labels {
            let chosen = pool.filter { $0.precisionLabel == label && knowledge($0) != nil }
            let unlearned = chosen.compactMap(knowledge)
            var targetLabels = [label]
            if label != referencePrecision { targetLabels.append(referencePrecision) }
            for targetLabel in targetLabels {
                guard let t = target(at: targetLabel),
                      let f = Recovery.retainedFraction(unlearned.map { ($0, t) }) else { continue }
                out.append(RetainedKnowledge(precision: label, targetPrecision: targetLabel,
                                             fraction: f, unlearnedCount: unlearned.count, models: chosen.map(\.modelName)))
            }
        }
        let sweep = sweep(cells: cells)
        return ProbeAggregates(retainedKnowledge: out, bitsSweep: sweep.isEmpty ? nil : sweep)
    }

    /// Whether a cell's unlearning method carries a utility constraint (GDR or KLR).
    public static func isConstrained(_ cell: ProbeCell) -> Bool {
        let name = (cell.method ?? cell.modelName).uppercased()
        return name.contains("GDR") || name.contains("KLR")
    }

    /// Fills each unlearned cell's recovery fields.
    ///
    /// ```
    /// recovery = clip((m_cell − m_unlearned@ref) / (m_target@ref − m_unlearned@ref), 0, 1)
    /// ```
    ///
    /// where `m_unlearned@ref` is the same model at `referencePrecision` (activations not
    /// quantized) and `m_target@ref` the target there. Cells of other roles, and cells whose
    /// references are missing, are returned unchanged.
    /// - Parameters:
    ///   - cells: The report's cells.
    ///   - referencePrecision: The full-precision label.
    /// - Returns: The cells with `recoveryVerbMem` / `recoveryKnowMemForget` set where defined.
    public static func fillingRecovery(_ cells: [ProbeCell], referencePrecision: String) -> [ProbeCell] {
        let target = cells.first { $0.role == .target && $0.precisionLabel == referencePrecision }
        return cells.map { cell in
            guard cell.role == .unlearned, let target,
                  let base = cells.first(where: {
                      $0.modelName == cell.modelName && $0.precisionLabel == referencePrecision
                  }) else { return cell }
            var c = cell
            if let a = cell.verbMem, let u = base.verbMem, let t = target.verbMem {
                c.recoveryVerbMem = Recovery.fraction(attacked: a, unlearned: u, target: t)
            }
            if let a = cell.knowMemForget, let u = base.knowMemForget, let t = target.knowMemForget {
                c.recoveryKnowMemForget = Recovery.fraction(attacked: a, unlearned: u, target: t)
            }
            return c
        }
    }
}
