import LowBit
import XCTest

import Training

/// Analytic gradients against central finite differences on a micro model, for every
/// parameter tensor and for the CE, KL and NPO losses.
final class GradientCheckTests: XCTestCase {
    static let shape = LlamaShape(
        vocabSize: 11, dim: 8, layers: 2, heads: 2, kvHeads: 1, ffnDim: 12, contextLength: 8)

    static let batch = [
        TokenSequence(tokens: [1, 5, 2, 9, 3]),
        TokenSequence(prompt: [4, 4, 7], answer: [0, 10, 6]),
    ]

    /// Larger-than-default weights so that every gradient is well above f32 noise.
    static func params(seed: UInt64) throws -> LlamaParameters {
        var p = try LlamaParameters(shape: shape, seed: seed, std: 0.35)
        var rng = SeededRandom(seed: seed &+ 99)
        for e in p.layout.entries where !e.isMatrix {
            for i in e.range { p.values[i] = Float(1 + 0.3 * rng.nextNormal()) }
        }
        return p
    }

    /// Checks `gradient` of `loss` at `p` along a random direction per tensor and at the
    /// largest-gradient element of each tensor.
    func check(
        _ name: String, at p: LlamaParameters, gradient: [Float], loss: (LlamaParameters) throws -> Double
    ) throws {
        let eps = 5e-4
        var rng = SeededRandom(seed: 7)
        for e in p.layout.entries {
            // Directional derivative along v ~ N(0, 1) restricted to this tensor.
            var v = [Float](repeating: 0, count: p.count)
            var analytic = 0.0
            for i in e.range {
                v[i] = Float(rng.nextNormal())
                analytic += Double(v[i]) * Double(gradient[i])
            }
            var plus = p, minus = p
            for i in e.range {
                plus.values[i] += Float(eps) * v[i]
                minus.values[i] -= Float(eps) * v[i]
            }
            let numeric = (try loss(plus) - loss(minus)) / (2 * eps)
            let scale = max(abs(analytic), abs(numeric))
            XCTAssertGreaterThan(scale, 1e-4, "\(name) \(e.name): gradient too small to check")
            XCTAssertLessThan(abs(analytic - numeric), 1e-2 * scale + 2e-4,
                              "\(name) \(e.name): directional analytic \(analytic) numeric \(numeric)")
            // The element with the largest gradient.
            let top = e.range.max { abs(gradient[$0]) < abs(gradient[$1]) }!
            var p1 = p, p2 = p
            p1.values[top] += Float(eps)
            p2.values[top] -= Float(eps)
            let h = Double(p1.values[top] - p2.values[top])
            let num1 = (try loss(p1) - loss(p2)) / h
            let a1 = Double(gradient[top])
            XCTAssertLessThan(abs(a1 - num1), 2e-2 * max(abs(a1), abs(num1)) + 2e-4,
                              "\(name) \(e.name)[\(top - e.offset)]: analytic \(a1) numeric \(num1)")
        }
    }

    func testCrossEntropyGradient() throws {
        let p = try Self.params(seed: 1)
        let graph = try LlamaGraph(shape: Self.shape, threads: 1)
        try graph.forward(p, sequences: Self.batch)
        graph.addCrossEntropy(scale: 1)
        var g = [Float](repeating: 0, count: p.count)
        graph.backward(p, into: &g)
        try check("CE", at: p, gradient: g) { q in
            try graph.forward(q, sequences: Self.batch)
            return graph.addCrossEntropy(scale: 0)
        }
    }

    func testKLGradient() throws {
        let p = try Self.params(seed: 2), ref = try Self.params(seed: 3)
        let graph = try LlamaGraph(shape: Self.shape, threads: 1)
        try graph.forward(ref, sequences: Self.batch)
        let refLogits = graph.allLogits()
        try graph.forward(p, sequences: Self.batch)
        let kl = graph.addKLDivergence(referenceLogits: refLogits, scale: 1)
        XCTAssertGreaterThan(kl, 0)
        var g = [Float](repeating: 0, count: p.count)
        graph.backward(p, into: &g)
        try check("KL", at: p, gradient: g) { q in
            try graph.forward(q, sequences: Self.batch)
            return graph.addKLDivergence(referenceLogits: refLogits, scale: 0)
        }
    }

    func testNPOGradient() throws {
        let p = try Self.params(seed: 4), ref = try Self.params(seed: 5)
        let graph = try LlamaGraph(shape: Self.shape, threads: 1)
        let objective = UnlearningObjective(method: .npo, beta: 0.5)
        var g = [Float](repeating: 0, count: p.count)
        _ = try objective.evaluate(
            parameters: p, reference: ref, forget: Self.batch, retain: [], graph: graph, gradients: &g)
        try check("NPO", at: p, gradient: g) { q in
            var scratch = [Float](repeating: 0, count: q.count)
            return try objective.evaluate(
                parameters: q, reference: ref, forget: Self.batch, retain: [], graph: graph, gradients: &scratch
            ).total
        }
    }

    func testNPOKLRObjectiveGradient() throws {
        let p = try Self.params(seed: 6), ref = try Self.params(seed: 8)
        let graph = try LlamaGraph(shape: Self.shape, threads: 2)
        let retain = [TokenSequence(tokens: [2, 3, 5, 7, 1, 0])]
        let objective = UnlearningObjective(method: .npoKLR, alpha: 1, beta: 0.1)
        var g = [Float](repeating: 0, count: p.count)
        _ = try objective.evaluate(
            parameters: p, reference: ref, forget: Self.batch, retain: retain, graph: graph, gradients: &g)
        try check("NPO_KLR", at: p, gradient: g) { q in
            var scratch = [Float](repeating: 0, count: q.count)
            return try objective.evaluate(
                parameters: q, reference: ref, forget: Self.batch, retain: retain, graph: graph, gradients: &scratch
            ).total
        }
    }
}
