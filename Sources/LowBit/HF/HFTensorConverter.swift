import Foundation

/// Renames and transforms a checkpoint's tensors as one ``HFArchitecture`` says: GGUF names,
/// GGUF shape order (innermost first), the Q/K row permutation, the norm shift, F32 for 1-D
/// tensors, trimmed embeddings. Unchanged matrices stay views of the mapped shards.
struct HFTensorConverter {
    let arch: HFArchitecture
    let config: HFJSON
    let checkpoint: HFCheckpoint
    /// Embedding rows Gemma 3's converter keeps.
    let tokenizerRows: Int

    /// Every tensor of the checkpoint, converted, in checkpoint order.
    func convertAll() throws -> [WeightTensor] {
        let layers = try config.requiredPositive("num_hidden_layers")
        var out: [WeightTensor] = []
        var seen = Set<String>()
        for hfName in checkpoint.tensorNames {
            let t = checkpoint.tensors[hfName]!
            guard let name = try ggufName(hfName, layers: layers, file: t.file.path) else { continue }
            guard seen.insert(name).inserted else { throw HFError.unmappedTensor(file: t.file.path, tensor: hfName + " (a second \(name))") }
            out.append(try convert(t, hfName: hfName, to: name))
        }
        guard seen.contains("token_embd.weight") else { throw HFError.missingTensor(folder: checkpoint.directory, tensor: "model.embed_tokens.weight") }
        return out
    }

    /// The GGUF name of `hfName`, `nil` for a tensor the converter skips, or an error for one
    /// it cannot map.
    func ggufName(_ hfName: String, layers: Int, file: String) throws(HFError) -> String? {
        let name = hfName.replacingOccurrences(of: "language_model.", with: "")
        if name.hasSuffix(".rotary_emb.inv_freq") || name.hasSuffix(".attention.masked_bias") || name.hasSuffix(".attention.bias") { return nil }
        if Self.isMultimodal(name) { return nil }
        if arch.dropsLMHead && name == "lm_head.weight" { return nil }
        let suffix: String
        let stem: String
        if name.hasSuffix(".weight") { suffix = ".weight"; stem = String(name.dropLast(7)) } else if name.hasSuffix(".bias") { suffix = ".bias"; stem = String(name.dropLast(5)) } else {
            throw .unmappedTensor(file: file, tensor: hfName)
        }
        if let g = HFArchitecture.globalTensors[stem] { return g + suffix }
        let prefix = "model.layers."
        guard stem.hasPrefix(prefix) else { throw .unmappedTensor(file: file, tensor: hfName) }
        let rest = stem.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: "."), let block = Int(rest[..<dot]), block >= 0, block < layers,
              let g = arch.layerTensors[String(rest[rest.index(after: dot)...])] else {
            throw .unmappedTensor(file: file, tensor: hfName)
        }
        return "blk.\(block).\(g)\(suffix)"
    }

    /// The names `TextModel.filter_tensors` drops: vision and audio towers, projectors.
    static func isMultimodal(_ n: String) -> Bool {
        n.hasPrefix("mlp") || n.hasPrefix("vit.") || n.hasPrefix("vpm.") || n.hasPrefix("siglip2.")
            || ["visual.", "vision.", "audio.", "vision_", "audio_", "projector.", "patch_embed", "image_newline"].contains { n.contains($0) }
    }

    private func convert(_ t: HFCheckpoint.Tensor, hfName: String, to name: String) throws -> WeightTensor {
        let info = t.info
        guard let type = info.dtype.ggmlType else {
            throw SafetensorsError.unsupportedDType(file: t.file.path, tensor: hfName, dtype: info.dtype.rawValue)
        }
        guard (1...4).contains(info.shape.count), info.shape.allSatisfy({ $0 > 0 }) else {
            throw HFError.shapeMismatch(file: t.file.path, tensor: hfName, expected: [], found: info.shape)
        }
        var shape = Array(info.shape.reversed())
        var bytes = t.bytes
        if arch.trimsEmbeddings, name == "token_embd.weight", shape.count == 2, tokenizerRows > 0, tokenizerRows < shape[1] {
            shape[1] = tokenizerRows
            bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<(tokenizerRows * shape[0] * info.dtype.bits / 8)])
        }
        let isNorm = hfName.hasSuffix("norm.weight")
        let shift = isNorm ? arch.normShift : 0
        var permuteHeads: Int?
        if arch.permutesQK {
            if hfName.hasSuffix("q_proj.weight") || hfName.hasSuffix("q_proj.bias") {
                permuteHeads = try config.requiredPositive("num_attention_heads")
            } else if hfName.hasSuffix("k_proj.weight") || hfName.hasSuffix("k_proj.bias") {
                let heads = try config.requiredPositive("num_attention_heads")
                permuteHeads = try config.int("num_key_value_heads") ?? heads
            }
        }
        let oneD = shape.count == 1 || name.hasSuffix("_norm.weight")
        if permuteHeads == nil && shift == 0 && (!oneD || type == .f32) {
            return WeightTensor(name: name, type: type, shape: shape, storage: TensorStorage(view: bytes, owner: t.file.mapping))
        }
        var data = [UInt8](bytes)
        // The copy replaces the mapped bytes: drop their resident pages.
        let start = t.file.dataOffset + info.begin
        t.file.mapping.releasePages(start..<(start + info.byteCount))
        if let heads = permuteHeads {
            let rows = info.shape[0]
            guard heads > 0, rows % (2 * heads) == 0 else {
                throw HFError.shapeMismatch(file: t.file.path, tensor: hfName, expected: [heads * 2 * max(1, rows / (2 * heads))], found: info.shape)
            }
            data = Self.permuteRows(data, rows: rows, heads: heads)
        }
        if oneD || shift != 0 {
            var values = try data.withUnsafeBytes { try RowCodec.dequantize($0, as: type, count: shape.reduce(1, *)) }
            if shift != 0 { values = Self.shifted(values, by: shift, sourceType: type) }
            return try WeightTensor(name: name, type: oneD ? .f32 : type, shape: shape, values: values)
        }
        return WeightTensor(name: name, type: type, shape: shape, storage: TensorStorage(copying: data))
    }

    /// llama.cpp's `LlamaModel.permute`: within each head, rows `[half₀ | half₁]` become
    /// interleaved pairs, `out[h·d + 2i + j] = in[h·d + j·d/2 + i]` (d rows per head).
    static func permuteRows(_ src: [UInt8], rows: Int, heads: Int) -> [UInt8] {
        let rowBytes = src.count / rows, d = rows / heads, half = d / 2
        var out = [UInt8](repeating: 0, count: src.count)
        src.withUnsafeBytes { s in
            out.withUnsafeMutableBytes { o in
                for h in 0..<heads {
                    for i in 0..<half {
                        for j in 0..<2 {
                            let from = (h * d + j * half + i) * rowBytes, to = (h * d + 2 * i + j) * rowBytes
                            o[to..<(to + rowBytes)].copyBytes(from: s[from..<(from + rowBytes)])
                        }
                    }
                }
            }
        }
        return out
    }

    /// `w + shift` as the converter computes it: in f16 for an f16 tensor (torch adds in the
    /// tensor's type), in f32 otherwise (BF16 is widened to F32 first).
    static func shifted(_ values: [Float], by shift: Float, sourceType: GGMLType) -> [Float] {
        sourceType == .f16 ? values.map { Float(Float16(Double($0) + Double(shift))) } : values.map { $0 + shift }
    }
}
