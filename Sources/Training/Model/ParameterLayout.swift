/// Where each named tensor of a Llama lives inside one flat f32 parameter vector.
///
/// Every tensor is stored row-major as GGUF stores it: `shape` lists dimensions innermost
/// first, so a 2-D tensor with `shape == [cols, rows]` is `rows` rows of `cols` floats, and a
/// projection weight is `[out, in]` in row-major terms (`rows == out`, `cols == in`).
public struct ParameterLayout: Sendable, Hashable {
    /// One named tensor in the flat vector.
    public struct Entry: Sendable, Hashable {
        /// GGUF tensor name, e.g. `blk.0.attn_q.weight`.
        public let name: String
        /// Dimensions innermost first, as GGUF lists them.
        public let shape: [Int]
        /// First element in the flat vector.
        public let offset: Int
        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }
        /// Row length (the innermost dimension).
        public var cols: Int { shape[0] }
        /// Number of rows (1 for a vector).
        public var rows: Int { shape.count > 1 ? shape[1] : 1 }
        /// Whether the tensor is a 2-D weight matrix (a "module" for SURE and quantization).
        public var isMatrix: Bool { shape.count == 2 }
        /// Element range inside the flat vector.
        public var range: Range<Int> { offset..<(offset + count) }
    }

    /// Indices into `entries` of one transformer block's tensors.
    struct Block: Sendable, Hashable {
        let attnNorm, q, k, v, o, ffnNorm, gate, up, down: Int
    }

    /// All tensors, in export order.
    public let entries: [Entry]
    /// Total number of parameters.
    public let totalCount: Int
    let embedding: Int
    let blocks: [Block]
    let outputNorm: Int

    /// Builds the layout for `shape` (which should already be validated).
    public init(shape s: LlamaShape) {
        var entries: [Entry] = []
        var offset = 0
        func add(_ name: String, _ dims: [Int]) -> Int {
            let e = Entry(name: name, shape: dims, offset: offset)
            offset += e.count
            entries.append(e)
            return entries.count - 1
        }
        embedding = add("token_embd.weight", [s.dim, s.vocabSize])  // [vocab rows, dim]
        var blocks: [Block] = []
        for l in 0..<s.layers {
            let p = "blk.\(l)."
            let attnNorm = add(p + "attn_norm.weight", [s.dim])
            let q = add(p + "attn_q.weight", [s.dim, s.dim])  // [out dim, in dim]
            let k = add(p + "attn_k.weight", [s.dim, s.kvDim])  // [out kvDim, in dim]
            let v = add(p + "attn_v.weight", [s.dim, s.kvDim])  // [out kvDim, in dim]
            let o = add(p + "attn_output.weight", [s.dim, s.dim])  // [out dim, in dim]
            let ffnNorm = add(p + "ffn_norm.weight", [s.dim])
            let gate = add(p + "ffn_gate.weight", [s.dim, s.ffnDim])  // [out ffn, in dim]
            let up = add(p + "ffn_up.weight", [s.dim, s.ffnDim])  // [out ffn, in dim]
            let down = add(p + "ffn_down.weight", [s.ffnDim, s.dim])  // [out dim, in ffn]
            blocks.append(Block(
                attnNorm: attnNorm, q: q, k: k, v: v, o: o, ffnNorm: ffnNorm,
                gate: gate, up: up, down: down))
        }
        self.blocks = blocks
        outputNorm = add("output_norm.weight", [s.dim])
        self.entries = entries
        totalCount = offset
    }

    /// The entry called `name`, if any.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }
}
