/// One weight matrix of a model: `rows` outputs × `cols` inputs.
struct MatrixShape: Sendable {
    let model: String
    let name: String
    let rows: Int
    let cols: Int
}

/// The matmul shapes of the models we compare against llama.cpp (REFERENCE §5).
enum ModelShapes {
    static let keys = ["15m", "110m", "1b", "7b"]

    static func shapes(for key: String) -> [MatrixShape]? {
        switch key {
        case "15m": llama("stories15M", dim: 288, ffn: 768, kv: 288, vocab: 32000)
        case "110m": llama("stories110M", dim: 768, ffn: 2048, kv: 768, vocab: 32000)
        case "1b": llama("TinyLlama-1.1B", dim: 2048, ffn: 5632, kv: 256, vocab: 32000)
        case "7b": llama("Llama-2-7B", dim: 4096, ffn: 11008, kv: 4096, vocab: 32000)
        default: nil
        }
    }

    private static func llama(_ m: String, dim: Int, ffn: Int, kv: Int, vocab: Int) -> [MatrixShape] {
        var s = [
            MatrixShape(model: m, name: "attn_q/o", rows: dim, cols: dim),
            MatrixShape(model: m, name: "attn_k/v", rows: kv, cols: dim),
            MatrixShape(model: m, name: "ffn_gate/up", rows: ffn, cols: dim),
            MatrixShape(model: m, name: "ffn_down", rows: dim, cols: ffn),
            MatrixShape(model: m, name: "output", rows: vocab, cols: dim),
        ]
        if kv == dim { s.remove(at: 1) }
        return s
    }
}
