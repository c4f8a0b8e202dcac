import Foundation
import XCTest
@testable import LowBit

/// A plain scalar implementation of the Llama forward pass, written independently of
/// `TransformerModel`: no cache, recomputes every position, f64 accumulation.
private struct ReferenceLlama {
    let c: ModelConfig
    let w: [String: [Float]]

    init(_ weights: ModelWeights) throws {
        c = try ModelConfig(weights: weights)
        var w: [String: [Float]] = [:]
        for t in weights.tensors { w[t.name] = t.floats() }
        self.w = w
    }

    func matvec(_ m: [Float], rows: Int, cols: Int, _ x: [Double]) -> [Double] {
        (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + Double(m[r * cols + $1]) * x[$1] } }
    }

    func rms(_ x: [Double], _ g: [Float]) -> [Double] {
        let ms = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let s = 1 / (ms + Double(c.normEps)).squareRoot()
        return x.indices.map { x[$0] * s * Double(g[$0]) }
    }

    func rope(_ x: inout [Double], heads: Int, pos: Int) {
        let hd = c.headDim
        for h in 0..<heads {
            for i in stride(from: 0, to: hd, by: 2) {
                let theta = Double(pos) * pow(Double(c.ropeBase), -Double(i) / Double(hd))
                let a = x[h * hd + i], b = x[h * hd + i + 1]
                x[h * hd + i] = a * cos(theta) - b * sin(theta)
                x[h * hd + i + 1] = a * sin(theta) + b * cos(theta)
            }
        }
    }

    /// Logits at every position: [T][vocab].
    func logits(_ tokens: [Int32]) -> [[Double]] {
        let d = c.dim, hd = c.headDim, kvd = c.kvDim
        var xs: [[Double]] = tokens.map { t in (0..<d).map { Double(w["token_embd.weight"]![Int(t) * d + $0]) } }
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            var ks: [[Double]] = [], vs: [[Double]] = [], qs: [[Double]] = []
            for (pos, x) in xs.enumerated() {
                let xn = rms(x, w[p + "attn_norm.weight"]!)
                var q = matvec(w[p + "attn_q.weight"]!, rows: d, cols: d, xn)
                var k = matvec(w[p + "attn_k.weight"]!, rows: kvd, cols: d, xn)
                rope(&q, heads: c.heads, pos: pos)
                rope(&k, heads: c.kvHeads, pos: pos)
                qs.append(q)
                ks.append(k)
                vs.append(matvec(w[p + "attn_v.weight"]!, rows: kvd, cols: d, xn))
            }
            for pos in xs.indices {
                var att = [Double](repeating: 0, count: d)
                for h in 0..<c.heads {
                    let g = h / (c.heads / c.kvHeads)
                    var s = (0...pos).map { j in (0..<hd).reduce(0.0) { $0 + qs[pos][h * hd + $1] * ks[j][g * hd + $1] } / Double(hd).squareRoot() }
                    let m = s.max()!
                    s = s.map { exp($0 - m) }
                    let z = s.reduce(0, +)
                    for j in 0...pos { for i in 0..<hd { att[h * hd + i] += s[j] / z * vs[j][g * hd + i] } }
                }
                let o = matvec(w[p + "attn_output.weight"]!, rows: d, cols: d, att)
                xs[pos] = xs[pos].indices.map { xs[pos][$0] + o[$0] }
                let xn = rms(xs[pos], w[p + "ffn_norm.weight"]!)
                let g = matvec(w[p + "ffn_gate.weight"]!, rows: c.ffnDim, cols: d, xn)
                let u = matvec(w[p + "ffn_up.weight"]!, rows: c.ffnDim, cols: d, xn)
                let hdn = g.indices.map { g[$0] / (1 + exp(-g[$0])) * u[$0] }
                let dn = matvec(w[p + "ffn_down.weight"]!, rows: d, cols: c.ffnDim, hdn)
                xs[pos] = xs[pos].indices.map { xs[pos][$0] + dn[$0] }
            }
        }
        let head = w["output.weight"] ?? w["token_embd.weight"]!
        return xs.map { matvec(head, rows: c.vocabSize, cols: d, rms($0, w["output_norm.weight"]!)) }
    }
}

func maxRelativeError(_ a: [Float], _ b: [Double]) -> Double {
    let scale = b.map(abs).max() ?? 1
    return zip(a, b).map { abs(Double($0) - $1) }.max()! / scale
}

final class LlamaForwardTests: XCTestCase {
    let tokens: [Int32] = [1, 17, 200, 3, 99, 250, 42, 7, 128]

    func testBatchedPrefillMatchesScalarReference() throws {
        for tied in [false, true] {
            let path = try writeMicroModel(type: .f32, tied: tied)
            let weights = try GGUFFile.loadWeights(path: path)
            let model = try TransformerModel(weights: weights)
            let ref = try ReferenceLlama(weights).logits(tokens)
            let cache = model.makeCache()
            let all = try model.forward(tokens, cache: cache, logits: .all, pool: ThreadPool(threads: 2))
            let V = microConfig.vocabSize
            for t in tokens.indices {
                let err = maxRelativeError(Array(all[(t * V)..<((t + 1) * V)]), ref[t])
                XCTAssertLessThan(err, 1e-4, "tied \(tied) position \(t)")
            }
        }
    }

    func testIncrementalDecodeMatchesPrefill() throws {
        let model = try TransformerModel(weights: GGUFFile.loadWeights(path: writeMicroModel(type: .f16)))
        let c1 = model.makeCache()
        let full = try model.forward(tokens, cache: c1, logits: .last)
        let c2 = model.makeCache()
        _ = try model.forward(Array(tokens.prefix(4)), cache: c2, logits: .none)
        var last: [Float] = []
        for t in tokens.dropFirst(4) { last = try model.forward([t], cache: c2) }
        XCTAssertEqual(c2.length, tokens.count)
        let scale = full.map(abs).max()!
        XCTAssertLessThan(zip(full, last).map { abs($0 - $1) }.max()! / scale, 1e-5)
    }

    func testRewindingTheCacheReusesAPrefix() throws {
        let model = try TransformerModel(weights: GGUFFile.loadWeights(path: writeMicroModel(type: .q8_0)))
        let cache = model.makeCache()
        _ = try model.forward(Array(tokens.prefix(5)), cache: cache, logits: .none)
        let a = try model.forward([10, 11], cache: cache)
        cache.length = 5
        let b = try model.forward([10, 11], cache: cache)
        XCTAssertEqual(a, b)
    }

    func testQuantizedModelsStayCloseToF32() throws {
        let ref = try TransformerModel(weights: GGUFFile.loadWeights(path: writeMicroModel(type: .f32)))
        let base = try ref.forward(tokens, cache: ref.makeCache())
        // Cosine similarity of the logit vectors to the f32 model's (integer types also
        // quantize activations to Q8_0, as ggml does). Uniform random weights
        // through two layers are a harsh case for 4-bit RTN; garbage would score near 0.
        let floor: [GGMLType: Float] = [.f16: 0.99999, .bf16: 0.9995, .q8_0: 0.998, .q4_1: 0.85, .q4_0: 0.85]
        for (type, minCos) in floor {
            let m = try TransformerModel(weights: GGUFFile.loadWeights(path: writeMicroModel(type: type)))
            let l = try m.forward(tokens, cache: m.makeCache())
            let dot = zip(base, l).reduce(0) { $0 + $1.0 * $1.1 }
            let cos = dot / (base.reduce(0) { $0 + $1 * $1 }.squareRoot() * l.reduce(0) { $0 + $1 * $1 }.squareRoot())
            XCTAssertGreaterThan(cos, minCos, "\(type)")
        }
    }

    func testBadInputsThrow() throws {
        let model = try TransformerModel(weights: GGUFFile.loadWeights(path: writeMicroModel()))
        XCTAssertThrowsError(try model.forward([5000], cache: model.makeCache())) { e in
            XCTAssertEqual(e as? ModelError, .tokenOutOfRange(token: 5000, vocabularySize: 300))
        }
        let small = model.makeCache(capacity: 2)
        XCTAssertThrowsError(try model.forward([1, 2, 3], cache: small))
        XCTAssertEqual(small.length, 0)
    }
}

final class LogitLensTests: XCTestCase {
    func testLastLensRowIsTheModelsOutputAndEveryLayerIsRead() throws {
        let model = try TransformerModel(weights: GGUFFile.loadWeights(path: writeMicroModel(type: .f32)))
        let tokens: [Int32] = [1, 17, 200, 3, 99]
        let lens = try model.logitLens(tokens, cache: model.makeCache())
        XCTAssertEqual(lens.count, microConfig.layers)
        XCTAssertTrue(lens.allSatisfy { $0.count == microConfig.vocabSize })
        let logits = try model.forward(tokens, cache: model.makeCache())
        XCTAssertEqual(lens.last!, logits)
        XCTAssertNotEqual(lens.first!, logits, "an earlier layer reads a different stream")
        // The lens advances the cache like forward does.
        let cache = model.makeCache()
        _ = try model.logitLens(Array(tokens.prefix(3)), cache: cache)
        XCTAssertEqual(cache.length, 3)
        XCTAssertEqual(try model.forward(Array(tokens.suffix(2)), cache: cache), logits)
    }
}
