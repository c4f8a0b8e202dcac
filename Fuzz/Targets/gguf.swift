// libFuzzer entry point: GGUF reader → inspect (text and JSON) → metadata round trip →
// tokenizer (built from the file, encoding bytes of the file) → model construction → a
// two-token forward pass on small models. Built by Fuzz/run.sh with -sanitize=fuzzer,address.
//
// Beyond "no crash", it checks properties whose failure means a bug:
// - inspect's abbreviations stay short whatever the value, and --json output is valid JSON;
// - metadata written back in GGUF's encoding reads back equal;
// - tokenizer work is linear in the text (the counts TokenizerWorkBoundsTests bounds).
import Foundation
@testable import LowBit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let file = try? GGUFFile(mapping: MappedFile(copying: input, path: "fuzz.gguf")) else { return 0 }
    inspect(file)
    roundTripMetadata(file)
    if let config = try? TokenizerConfig(metadata: file.metadata, file: file.path),
       let tokenizer = try? Tokenizer(config: config) {
        exercise(tokenizer, text: String(decoding: input.prefix(512), as: UTF8.self), stats: TokenizerStats(tokenizer))
    }
    if let model = try? TransformerModel(weights: file.weights()), model.weights.byteCount <= 1 << 20 {
        let vocab = Int32(model.config.vocabSize)
        _ = try? model.forward([0, 1 % vocab], cache: model.makeCache(capacity: 2))
    }
    return 0
}

/// What `lowbit inspect` does, with its output checked instead of printed.
private func inspect(_ file: GGUFFile) {
    for (key, value) in file.metadata.entries {
        let line = "\(key.abbreviatedForMessage()) = \(value.abbreviated())"
        precondition(line.utf8.count < 16_384, "abbreviation of '\(key.prefix(40))' is \(line.utf8.count) bytes")
    }
    var json: [UInt8] = []
    var w = JSONStreamWriter { chunk in if json.count < 1 << 20 { json.append(contentsOf: chunk) } }
    file.writeJSON(to: &w)
    w.flush()
    if w.bytesWritten < 1 << 20 {
        precondition((try? JSONSerialization.jsonObject(with: Data(json))) != nil, "inspect --json wrote invalid JSON")
    }
}

/// Metadata encoded again (as GGUFWriter encodes it) reads back equal.
private func roundTripMetadata(_ file: GGUFFile) {
    var out = Data("GGUF".utf8)
    out.appendLE(UInt32(3))
    out.appendLE(UInt64(0))
    out.appendLE(UInt64(file.metadata.entries.count))
    for (key, value) in file.metadata.entries {
        out.appendString(key)
        out.appendLE(value.type.rawValue)
        out.appendValue(value)
    }
    let again = out.withUnsafeBytes { try? GGUFFile(mapping: MappedFile(copying: $0, path: "again.gguf")) }
    // general.alignment was accepted, so the rewritten file is valid too.
    precondition(again?.metadata == file.metadata, "metadata does not survive a write and read")
}
