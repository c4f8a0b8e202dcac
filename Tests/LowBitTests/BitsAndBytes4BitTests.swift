import Foundation
import XCTest
@testable import LowBit

/// BitsAndBytes4Bit against `Fixtures/bnb/bnb4bit.json` (bitsandbytes' code books read from
/// its source, its CPU quantizer transcribed into numpy: see make_bnb_fixture.py), plus
/// hand-computed cases.
final class BitsAndBytes4BitTests: XCTestCase {
    struct Fixture: Decodable {
        struct Code: Decodable { let book: [String], indices: [Int], absmax: [String], dequantized: [String] }
        struct Double: Decodable { let absmax: [String], dynamic_map: [String], indices: [Int], round_trip: [String] }
        let values: [String]
        let code: [String: Code]
        let double_quant: Double
    }

    static func float(_ hex: String) -> Float { Float(bitPattern: UInt32(hex, radix: 16)!) }

    lazy var fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bnb/bnb4bit.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    func testCodeBooksAreBitsAndBytes() {
        XCTAssertEqual(BitsAndBytesCodes.nf4.map(\.bitPattern), fixture.code["nf4"]!.book.map { Self.float($0).bitPattern })
        XCTAssertEqual(BitsAndBytesCodes.fp4.map(\.bitPattern), fixture.code["fp4"]!.book.map { Self.float($0).bitPattern })
        XCTAssertEqual(BitsAndBytesCodes.dynamic.map(\.bitPattern), fixture.double_quant.dynamic_map.map { Self.float($0).bitPattern })
        XCTAssertEqual(BitsAndBytesCodes.dynamic.count, 256)
        XCTAssertEqual(BitsAndBytesCodes.fp4[3], 1)
        XCTAssertEqual(BitsAndBytesCodes.fp4[1], 0.0625 / 12)
    }

    func testIndicesScalesAndValuesEqualTheReference() {
        let x = fixture.values.map(Self.float)
        for (name, ref) in fixture.code {
            let code = name == "nf4" ? BitsAndBytesCodes.nf4 : BitsAndBytesCodes.fp4
            let (q, absmax) = BitsAndBytesCodes.quantize(x, code: code, blockSize: 64)
            XCTAssertEqual(q.map(Int.init), ref.indices, name)
            XCTAssertEqual(absmax.map(\.bitPattern), ref.absmax.map { Self.float($0).bitPattern }, name)
            let back = BitsAndBytes4Bit(name == "nf4" ? .nf4 : .fp4).fakeQuantize(x)
            XCTAssertEqual(back.map(\.bitPattern), ref.dequantized.map { Self.float($0).bitPattern }, name)
        }
    }

    func testDoubleQuantRoundTripEqualsTheReference() {
        let absmax = fixture.double_quant.absmax.map(Self.float)
        let back = BitsAndBytes4Bit.doubleQuantized(absmax)
        XCTAssertEqual(back.map(\.bitPattern), fixture.double_quant.round_trip.map { Self.float($0).bitPattern })
        // Close to the original: 8-bit dynamic codes of values within ±(max deviation).
        for (a, b) in zip(absmax, back) { XCTAssertEqual(a, b, accuracy: 0.002) }
    }

    /// Hand-computed: a block with absmax 2 and values at code points, midpoints and beyond.
    func testNearestCodeRoundingWithTies() {
        let nf4 = BitsAndBytesCodes.nf4
        let mid = (nf4[8] + nf4[9]) / 2  // between 0.0796 and 0.1609
        var block = [Float](repeating: 0, count: 64)
        block[0] = 2            // absmax → code 1.0 (index 15)
        block[1] = -2           // → −1.0 (index 0)
        block[2] = 2 * mid      // exactly on a midpoint: the lower code (index 8)
        block[3] = 2 * mid.nextUp * 1.0000002  // just above: the upper code (index 9)
        block[4] = 0.0          // → 0 (index 7)
        let (q, absmax) = BitsAndBytesCodes.quantize(block, code: nf4, blockSize: 64)
        XCTAssertEqual(absmax, [2])
        XCTAssertEqual(Array(q[0..<5]), [15, 0, 8, 9, 7])
        XCTAssertEqual(BitsAndBytes4Bit(.nf4).fakeQuantize(block)[2], nf4[8] * 2)
    }

    /// The scheme quantizes linear matrices only, keeps embeddings and (by default) the head,
    /// writes f16 values equal to the dequantized ones, and records its settings.
    func testApplyCoversLinearLayersAndRecordsSettings() throws {
        let config = ModelConfig(vocabSize: 300, dim: 128, layers: 2, heads: 4, kvHeads: 2, ffnDim: 192, contextLength: 64)
        let weights = try SyntheticModel.make(config: config, type: .f32, seed: 3)
        for head in [false, true] {
            let scheme = BitsAndBytes4Bit(.fp4, doubleQuant: true, quantizeHead: head)
            let out = try scheme.apply(to: weights, context: QuantizationContext())
            for (a, b) in zip(weights.tensors, out.tensors) {
                let covered = FakeQuant.covers(a, head: head)
                XCTAssertEqual(b.type, covered ? .f16 : a.type, a.name)
                if covered {
                    let expected = scheme.fakeQuantize(a.floats()).map { Float(Float16($0)) }
                    XCTAssertEqual(b.floats(), expected, a.name)
                }
            }
            XCTAssertEqual(out["token_embd.weight"]?.type, .f32)
            XCTAssertEqual(out.metadata["lowbit.quantization.scheme"], .string("fp4"))
            XCTAssertEqual(out.metadata["lowbit.quantization.group_size"], .uint32(64))
            XCTAssertEqual(out.metadata["lowbit.quantization.double_quant"], .string("true"))
            XCTAssertNoThrow(try loadModel(out))
        }
        XCTAssertEqual(Precision.named("NF4")?.name, "nf4")
        XCTAssertNil(Precision.named("nf5"))
    }
}
