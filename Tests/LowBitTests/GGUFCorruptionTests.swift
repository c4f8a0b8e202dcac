import Foundation
import XCTest
@testable import LowBit

final class GGUFCorruptionTests: XCTestCase {
    private func smallFile() throws -> Data {
        let cfg = ModelConfig(vocabSize: 260, dim: 32, layers: 1, heads: 2, kvHeads: 1, ffnDim: 32, contextLength: 16)
        let w = try SyntheticModel.make(config: cfg, type: .q8_0, seed: 1, tokenizer: .syntheticLlama(size: 260))
        let path = temporaryDirectory().appendingPathComponent("small.gguf").path
        try GGUFWriter.write(w, to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    private func open(_ data: Data) -> Result<GGUFFile, GGUFError> {
        let path = temporaryDirectory().appendingPathComponent("bad.gguf").path
        _ = FileManager.default.createFile(atPath: path, contents: data)
        do { return .success(try GGUFFile(path: path)) } catch { return .failure(error) }
    }

    func testEveryTruncationGivesATypedError() throws {
        let data = try smallFile()
        // Every prefix that cuts into the last tensor's data must fail cleanly and name the
        // file. (The writer pads the last tensor to the alignment; cutting only that padding
        // leaves a valid file.)
        guard case let .success(full) = open(data) else { return XCTFail("valid file failed") }
        let end = full.tensors.map { full.dataOffset + Int($0.offset) + $0.byteCount! }.max()!
        var n = 0
        for len in stride(from: 0, to: end, by: max(1, end / 4000)) {
            guard case let .failure(e) = open(data.prefix(len)) else {
                XCTFail("prefix of \(len) of \(data.count) bytes opened"); return
            }
            XCTAssertTrue(e.description.contains("bad.gguf"), e.description)
            n += 1
        }
        XCTAssertGreaterThan(n, 1000)
    }

    func testBadMagic() throws {
        var d = try smallFile()
        d[0] = UInt8(ascii: "X")
        guard case .failure(.badMagic) = open(d) else { return XCTFail() }
    }

    func testHugeCountsAreRejectedBeforeAllocating() throws {
        var d = try smallFile()
        d.replaceSubrange(8..<16, with: withUnsafeBytes(of: UInt64.max.littleEndian) { Data($0) })
        guard case .failure(.countTooLarge) = open(d) else { return XCTFail() }
        d = try smallFile()
        d.replaceSubrange(16..<24, with: withUnsafeBytes(of: (UInt64(1) << 40).littleEndian) { Data($0) })
        guard case .failure(.countTooLarge) = open(d) else { return XCTFail() }
    }

    /// Finds the tensor-table entry of `name` and returns the byte index just after its name.
    private func tensorEntry(_ d: Data, _ name: String) -> Int {
        let needle = Data(name.utf8)
        let r = d.range(of: needle, options: .backwards)!
        return r.upperBound
    }

    func testOffsetPastEndOverlapAndUnknownType() throws {
        let base = try smallFile()
        // Entry layout after the name: u32 nDims, nDims × u64, u32 type, u64 offset.
        let name = "output.weight"
        let p = tensorEntry(base, name)
        let typeAt = p + 4 + 2 * 8, offsetAt = typeAt + 4

        var d = base
        d.replaceSubrange(offsetAt..<(offsetAt + 8), with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        guard case let .failure(e1) = open(d), case .tensorOutOfBounds = e1 else { return XCTFail() }
        XCTAssertTrue(e1.description.contains(name))

        d = base
        d.replaceSubrange(offsetAt..<(offsetAt + 8), with: withUnsafeBytes(of: UInt64(0).littleEndian) { Data($0) })
        guard case .failure(.overlappingTensors) = open(d) else { return XCTFail() }

        // A type id ggml has never defined still opens: the tensor is listed as unknown, and
        // building a model names the tensor and the type.
        d = base
        d.replaceSubrange(typeAt..<(typeAt + 4), with: withUnsafeBytes(of: UInt32(200).littleEndian) { Data($0) })
        guard case let .success(f) = open(d) else { return XCTFail("unknown type id should open") }
        let info = try XCTUnwrap(f.tensorInfo(named: name))
        XCTAssertEqual(info.type.rawValue, 200)
        XCTAssertFalse(info.type.isKnown)
        XCTAssertNil(info.byteCount)
        XCTAssertEqual(info.type.name, "unknown(200)")
        XCTAssertThrowsError(try TransformerModel(weights: f.weights())) { e in
            let message = String(describing: e)
            XCTAssertTrue(message.contains(name) && message.contains("unknown(200)"), message)
        }

        d = base
        d.replaceSubrange(offsetAt..<(offsetAt + 8), with: withUnsafeBytes(of: UInt64(7).littleEndian) { Data($0) })
        guard case .failure(.misalignedOffset) = open(d) else { return XCTFail() }
    }

    func testInvalidValueTypeAndBadAlignment() throws {
        var d = try smallFile()
        // First metadata entry's type follows the first key: "general.architecture".
        let r = d.range(of: Data("general.architecture".utf8))!
        d.replaceSubrange(r.upperBound..<(r.upperBound + 4), with: withUnsafeBytes(of: UInt32(99).littleEndian) { Data($0) })
        guard case let .failure(e) = open(d), case .invalidValueType(_, _, "general.architecture", 99) = e else { return XCTFail() }
    }

    func testRandomCorruptionNeverCrashes() throws {
        let base = try smallFile()
        var rng = SeededRandom(seed: 42)
        for _ in 0..<400 {
            var d = base
            for _ in 0..<4 {
                let i = Int(rng.next() % UInt64(min(d.count, 4096)))
                d[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            if case let .success(f) = open(d) {
                // A file that still parses must only expose in-bounds tensors.
                for t in f.tensors { XCTAssertLessThanOrEqual(f.dataOffset + Int(t.offset) + (t.byteCount ?? 0), d.count) }
                // And building the model and tokenizer from it either works or throws.
                if let model = try? TransformerModel(weights: f.weights()) {
                    _ = try? model.forward([1, 2], cache: model.makeCache(capacity: 4))
                }
                if let config = try? TokenizerConfig(metadata: f.metadata, file: f.path),
                   let tokenizer = try? Tokenizer(config: config) {
                    _ = tokenizer.decode(tokenizer.encode("héllo 日本"))
                }
            }
        }
    }
}
