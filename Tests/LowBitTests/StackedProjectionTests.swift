import XCTest

@testable import LowBit

/// Stacked q/k/v and gate/up matrices (``TensorBinder/stacked(_:)``) give the logits of
/// the separate matrices bit for bit: prefill, decode and batched decode, 1 and 2 threads.
final class StackedProjectionTests: XCTestCase {
    func testStackedProjectionsEqualSeparateBitForBit() throws {
        var stackedTypes: [GGMLType] = []
        for type in GGMLType.supported {
            let w = try SyntheticModel.make(config: microKConfig, type: type, seed: 21)
            let stacked = try TransformerModel(weights: w), separate = try TransformerModel(weights: w, stackProjections: false)
            let didStack = stacked.layers.contains { if case .stacked = $0.qkv { true } else { false } }
            if type.traits?.repacksAtLoad == true {
                XCTAssertTrue(didStack, "\(type): q/k/v stacked")
                XCTAssertTrue(stacked.layers.allSatisfy { $0.wGate == nil }, "\(type): gate/up stacked")
                stackedTypes.append(type)
            } else {
                XCTAssertFalse(didStack, "\(type): a type used in place is not copied into a stack")
            }
            XCTAssertTrue(separate.layers.allSatisfy { if case .separate = $0.qkv { $0.wGate != nil } else { false } })
            let V = stacked.config.vocabSize
            for threads in [1, 2] {
                let pool = ThreadPool(threads: threads)
                let prompt: [Int32] = [3, 17, 200, 5, 99]
                let a = stacked.makeCache(capacity: 16), b = separate.makeCache(capacity: 16)
                XCTAssertEqual(try stacked.forward(prompt, cache: a, logits: .all, pool: pool),
                               try separate.forward(prompt, cache: b, logits: .all, pool: pool), "\(type) \(threads)T prefill")
                for step in 0..<3 {
                    let t = [Int32((11 * step + 7) % V)]
                    XCTAssertEqual(try stacked.forward(t, cache: a, logits: .last, pool: pool),
                                   try separate.forward(t, cache: b, logits: .last, pool: pool), "\(type) \(threads)T decode \(step)")
                }
                let caches = (0..<3).map { _ in (stacked.makeCache(capacity: 16), separate.makeCache(capacity: 16)) }
                let tokens: [[Int32]] = [[1], [2, 9], [250]]
                XCTAssertEqual(
                    try stacked.forward(batch: zip(tokens, caches).map { BatchSequence(tokens: $0, cache: $1.0) }, logits: .all, pool: pool),
                    try separate.forward(batch: zip(tokens, caches).map { BatchSequence(tokens: $0, cache: $1.1) }, logits: .all, pool: pool),
                    "\(type) \(threads)T batch")
            }
        }
        XCTAssertTrue(stackedTypes.contains(.q4_0) && stackedTypes.contains(.q4_K), "stacked: \(stackedTypes)")
    }
}
