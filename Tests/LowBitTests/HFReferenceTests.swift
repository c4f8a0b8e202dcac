import Foundation
import XCTest

@testable import LowBit

/// LowBit's conversion against records made outside LowBit by `Fixtures/hf/make_hf_fixtures.py`:
/// checkpoints written with the `safetensors` numpy API and converted by a numpy replay of
/// llama.cpp's `convert_hf_to_gguf.py` steps (tensor hashes, `{arch}.*` keys), and Hugging Face
/// `tokenizers`' own ids on a multilingual text set.
final class HFReferenceTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hf")

    static func fnv1a64(_ b: UnsafeRawBufferPointer) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for x in b { h = (h ^ UInt64(x)) &* 0x100000001b3 }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    func testTensorsAndKeysEqualTheNumpyReferenceConversion() throws {
        let ref = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dir.appendingPathComponent("reference.json"))) as! [[String: Any]]
        XCTAssertEqual(ref.count, 2)
        for model in ref {
            let folder = model["folder"] as! String
            let w = try ModelWeights.load(path: Self.dir.appendingPathComponent(folder).path)
            let tensors = model["tensors"] as! [[String: Any]]
            XCTAssertEqual(w.tensors.count, tensors.count, folder)
            for t in tensors {
                let name = t["name"] as! String
                let ours = try XCTUnwrap(w[name], "\(folder): \(name)")
                XCTAssertEqual(ours.type.name, t["type"] as? String, "\(folder): \(name)")
                XCTAssertEqual(ours.shape, t["shape"] as? [Int], "\(folder): \(name)")
                XCTAssertEqual(Self.fnv1a64(ours.storage.bytes), t["fnv1a64"] as? String, "\(folder): \(name) bytes")
            }
            for (key, value) in model["keys"] as! [String: Any] {
                let n = value as! NSNumber
                let want: GGUFValue = String(cString: n.objCType) == "d" ? .float32(Float(n.doubleValue)) : .uint32(n.uint32Value)
                XCTAssertEqual(w.metadata[key], want, "\(folder): \(key)")
            }
            XCTAssertEqual(w.metadata["tokenizer.chat_template"], .string("{{ messages }}"), folder)
            let tok = try TokenizerConfig(metadata: w.metadata, file: folder)
            XCTAssertEqual(tok.preTokenizer, "llama-bpe", folder)
            XCTAssertEqual(tok.bosID.map { tok.tokens[Int($0)] }, "<|begin_of_text|>", folder)
            XCTAssertEqual(tok.eosID.map { tok.tokens[Int($0)] }, "<|eot_id|>", folder)
            // The model runs.
            let model = try TransformerModel(weights: w)
            let logits = try model.forward([1, 2, 3], cache: model.makeCache(capacity: 8), logits: .last)
            XCTAssertTrue(logits.allSatisfy(\.isFinite), folder)
        }
    }

    func testTokenIDsEqualHuggingFaceTokenizers() throws {
        let fx = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dir.appendingPathComponent("tokenizer_ids.json"))) as! [String: Any]
        let texts = fx["texts"] as! [String]
        let ids = fx["ids"] as! [String: [[Int]]]
        XCTAssertEqual(Set(ids.keys), ["tok-bytelevel", "tok-spm"])
        for (name, want) in ids.sorted(by: { $0.key < $1.key }) {
            let tj = try HFJSON.read(file: Self.dir.appendingPathComponent(name + ".json").path, limit: HFTokenizer.maxBytes)
            let converted = try HFTokenizer(tokenizerJSON: tj, tokenizerConfig: nil, vocabSize: nil)
            XCTAssertEqual(converted.config.model, name == "tok-spm" ? .llama : .gpt2, name)
            let tokenizer = try Tokenizer(config: converted.config)
            var equal = 0
            for (text, expected) in zip(texts, want) {
                let got = tokenizer.encode(text, addBOS: false, parseSpecial: true).map(Int.init)
                XCTAssertEqual(got, expected, "\(name): \(text.debugDescription)")
                if got == expected { equal += 1 }
            }
            print("\(name): \(equal)/\(texts.count) texts tokenize as Hugging Face tokenizers does")
        }
    }
}
