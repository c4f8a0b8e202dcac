// libFuzzer entry point: the Hugging Face checkpoint readers. The first byte picks one
// (`byte % 4`), the rest is the file:
//   0  a safetensors file (SafetensorsFile on an exact-size heap copy), then every tensor's
//      bytes are read and the F32/F16/BF16 ones decoded;
//   1  model.safetensors.index.json (SafetensorsIndex);
//   2  config.json, through every HFArchitecture row's hyper-parameters and generated tensors;
//   3  tokenizer.json (HFTokenizer), then a Tokenizer built from it encoding a short text.
//
// Checked besides "no crash": an accepted safetensors file's tensors lie inside the file and
// do not overlap; every shard name an accepted index gives is a plain file name.
import Foundation
@testable import LowBit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let which = data[0] % 4
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch which {
    case 0:
        let mapping = MappedFile(copying: body, path: "fuzz.safetensors")
        guard let f = try? SafetensorsFile(mapping: mapping) else { return 0 }
        var end = 0
        for t in f.tensors {
            precondition(t.begin >= end || t.byteCount == 0, "overlapping tensors accepted")
            precondition(f.dataOffset + t.begin + t.byteCount <= body.count, "tensor outside the file accepted")
            if t.byteCount > 0 { end = t.begin + t.byteCount }
            let bytes = f.bytes(of: t)
            var sum: UInt8 = 0
            for b in bytes { sum &+= b }
            if let type = t.dtype.ggmlType, let values = try? RowCodec.dequantize(bytes, as: type, count: min(t.elementCount, 64)) {
                _ = values.reduce(0, +) + Float(sum)
            }
        }
    case 1:
        guard let json = try? HFJSON.parse(Data(body), file: "index.json", limit: 1 << 20),
              let index = try? SafetensorsIndex(json: json) else { return 0 }
        for s in index.shards { precondition(!s.contains("/") && s != ".." && s != "." && !s.isEmpty, "shard name escapes the folder") }
    case 2:
        guard let json = try? HFJSON.parse(Data(body), file: "config.json", limit: 1 << 20) else { return 0 }
        for arch in HFArchitecture.all {
            var md = GGUFMetadata()
            _ = try? arch.hyperParameters(json, &md)
            _ = try? arch.generatedTensors(json)
        }
    default:
        guard let json = try? HFJSON.parse(Data(body), file: "tokenizer.json", limit: 1 << 20),
              let converted = try? HFTokenizer(tokenizerJSON: json, tokenizerConfig: nil, vocabSize: nil),
              let tokenizer = try? Tokenizer(config: converted.config) else { return 0 }
        _ = tokenizer.encode("Hello, world! 123 中文 <s>", addBOS: false, parseSpecial: true)
    }
    return 0
}
