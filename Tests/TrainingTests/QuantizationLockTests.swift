import Training
import LowBit
import XCTest

final class QuantizationLockTests: XCTestCase {
    static let shape = LlamaShape(vocabSize: 32, dim: 32, layers: 2, heads: 2, kvHeads: 2, ffnDim: 64, contextLength: 8)
    static let forget = [TokenSequence(prompt: [1, 2], answer: [3, 4, 5]), TokenSequence(prompt: [1, 6], answer: [7, 8, 9])]
    static let retain = [TokenSequence(prompt: [2, 2], answer: [10, 0, 3]), TokenSequence(prompt: [6, 6], answer: [5, 5, 1])]

    static let target: LlamaParameters = {
        try! Trainer(epochs: 120, batchSize: 4, learningRate: 1e-2, seed: 3).train(shape: shape, on: forget + retain)
    }()

    func weights(_ p: LlamaParameters, matrixType: GGMLType) throws -> ModelWeights {
        var md = GGUFMetadata()
        md["general.architecture"] = .string("llama")
        p.shape.write(into: &md)
        let tensors = try p.tensors().map { t in
            try WeightTensor(name: t.name, type: t.shape.count == 2 ? matrixType : .f32, shape: t.shape, values: t.values)
        }
        return ModelWeights(metadata: md, tensors: tensors, source: "test")
    }

    func forgetLoss(_ p: LlamaParameters) throws -> Double {
        let graph = try LlamaGraph(shape: p.shape, threads: 1)
        try graph.forward(p, sequences: Self.forget)
        return graph.addCrossEntropy(scale: 0)
    }

    /// A locked run forgets at full precision, yet its file (f16 matrices, exact) quantizes to
    /// exactly the target's q4_0 bytes: llama.cpp's scales and codes, tensor by tensor.
    func testLockedRunForgetsButQuantizesToTheTargetsBytes() throws {
        for storage in [WeightPrecision.f16, .f32] {
            var u = Unlearner(method: .gaGDR, learningRate: 1e-2, epochs: 10, batchSize: 2, seed: 1)
            u.weightPrecision = storage
            u.lock = try QuantizationLock(target: Self.target, type: .q4_0, storage: storage)
            let locked = try u.unlearn(target: Self.target, forget: Self.forget, retain: Self.retain).parameters
            let free = try Unlearner(method: .gaGDR, learningRate: 1e-2, epochs: 10, batchSize: 2, seed: 1)
                .unlearn(target: Self.target, forget: Self.forget, retain: Self.retain).parameters
            XCTAssertGreaterThan(try forgetLoss(locked), try forgetLoss(Self.target) + 1, "\(storage): it forgets at full precision")
            XCTAssertNotEqual(locked.values, Self.target.values)

            let file = try weights(locked, matrixType: storage.storageType)
            for (a, b) in zip(file.tensors, try weights(locked, matrixType: .f32).tensors) {
                XCTAssertEqual(a.floats(), b.floats(), "\(a.name): the weights are exact in \(storage)")
            }
            let q = try Quantizer.quantize(file, to: .q4_0, computeRMSE: false).weights
            let qt = try Quantizer.quantize(try weights(Self.target, matrixType: .f32), to: .q4_0, computeRMSE: false).weights
            let qFree = try Quantizer.quantize(try weights(free, matrixType: .f32), to: .q4_0, computeRMSE: false).weights
            var differing = 0
            for ((a, b), c) in zip(zip(q.tensors, qt.tensors), qFree.tensors) {
                XCTAssertEqual(a.type, b.type)
                XCTAssertEqual(Array(a.storage.bytes), Array(b.storage.bytes), "\(storage) \(a.name): q4_0 bytes equal the target's")
                if Array(c.storage.bytes) != Array(b.storage.bytes) { differing += 1 }
            }
            XCTAssertGreaterThan(differing, 0, "without the lock the same run changes q4_0 codes")
        }
    }

    func testRejectsOtherTypesAndRowLengths() {
        XCTAssertThrowsError(try QuantizationLock(target: Self.target, type: .q8_0, storage: .f32)) {
            XCTAssertEqual($0 as? QuantizationLock.LockError, .unsupportedType("q8_0"))
        }
        var poisoned = Self.target
        let q = poisoned.layout.entry(named: "blk.1.attn_q.weight")!
        poisoned.values[q.offset + 5] = .nan
        XCTAssertThrowsError(try QuantizationLock(target: poisoned, type: .q4_0, storage: .f16)) {
            XCTAssertEqual($0 as? QuantizationLock.LockError, .nonFinite(tensor: "blk.1.attn_q.weight", index: 5))
        }
        let narrow = try! LlamaParameters(shape: UnlearnTests.shape, seed: 1)
        XCTAssertThrowsError(try QuantizationLock(target: narrow, type: .q4_0, storage: .f32)) {
            guard case .rowLength = $0 as? QuantizationLock.LockError else { return XCTFail("\($0)") }
        }
    }
}
