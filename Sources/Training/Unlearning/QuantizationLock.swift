import Kernels
import LowBit

/// Keeps an unlearning run inside the original target's q4_0 quantization cells: after every
/// step, each weight is projected back into the band of its block where llama.cpp's q4_0
/// quantizer gives it the target's code, each block's largest-magnitude weight (which sets
/// the scale) is frozen, and 1-D tensors (norms, stored f32 by every quantizer) are restored.
///
/// So the run may forget at full precision while its q4_0 file is byte-for-byte the
/// target's: a *constructed* positive control for the probe, where quantization must restore
/// exactly the target's q4_0 knowledge. (Zhang et al.'s recovery happens when unlearning
/// stays inside the cells by itself; this enforces it.)
///
/// q4_0 (ggml `quantize_row_q4_0_ref`), per block of 32: `max` = the first weight of largest
/// magnitude, `d = max / −8`, code `c = min(15, trunc(x/d + 8.5))`, value `(c − 8)·d`. The
/// band kept for code `c` is `(c − 8 ± 0.45)·d'`, with `|x| < |max'|`, where `max'` is the
/// frozen maximum in the storage precision and `d' = max'/−8`: a power-of-two division, so the
/// f16 scale the file stores equals the target's. The 0.05 margin absorbs the storage
/// rounding (at most 8·2⁻¹¹·|d'| for f16).
public struct QuantizationLock: Sendable {
    /// Why a model cannot be locked.
    public enum LockError: Error, Equatable, CustomStringConvertible {
        /// Only q4_0 is supported.
        case unsupportedType(String)
        /// A matrix row is not a whole number of 32-weight blocks.
        case rowLength(tensor: String, cols: Int)
        /// A weight is NaN or infinite, so it has no q4_0 code.
        case nonFinite(tensor: String, index: Int)

        public var description: String {
            switch self {
            case let .unsupportedType(t): "--lock-codes supports q4_0, not \(t)"
            case let .rowLength(tensor, cols): "--lock-codes q4_0: tensor \(tensor) has rows of \(cols) weights, not a multiple of 32"
            case let .nonFinite(tensor, index): "--lock-codes q4_0: tensor \(tensor) has a NaN or infinite weight at element \(index)"
            }
        }
    }

    /// The locked type.
    public let type: GGMLType
    /// The precision the run's weights are stored in.
    public let storage: WeightPrecision
    let original: [Float]
    /// Index ranges of 1-D tensors, restored after every step.
    let vectors: [Range<Int>]
    /// Per block of 32: first index, the frozen maximum's index and value (storage precision).
    let blockStart: [Int]
    let maxIndex: [Int]
    let maxValue: [Float]
    /// The target's q4_0 code of every weight (0 outside matrices).
    let codes: [UInt8]

    /// Builds the lock from the original target's f32 weights.
    /// - Throws: ``LockError`` for another type or a row length q4_0 cannot hold.
    public init(target: LlamaParameters, type: GGMLType, storage: WeightPrecision) throws(LockError) {
        guard type == .q4_0 else { throw .unsupportedType(type.name) }
        self.type = type
        self.storage = storage.nearest
        original = target.values
        var vectors: [Range<Int>] = [], starts: [Int] = [], maxIndex: [Int] = [], maxValue: [Float] = []
        var codes = [UInt8](repeating: 0, count: target.count)
        let v = target.values
        for e in target.layout.entries {
            guard e.isMatrix else { vectors.append(e.range); continue }
            guard e.cols % 32 == 0 else { throw .rowLength(tensor: e.name, cols: e.cols) }
            if let bad = e.range.first(where: { !v[$0].isFinite }) { throw .nonFinite(tensor: e.name, index: bad - e.offset) }
            // The target's codes from the q4_0 reference quantizer itself: 18-byte blocks of an
            // f16 scale and 16 bytes whose low nibbles hold weights 0–15, high nibbles 16–31.
            guard let bytes = try? RowCodec.quantize(Array(v[e.range]), as: .q4_0) else { throw .rowLength(tensor: e.name, cols: e.cols) }
            for (k, b) in stride(from: e.offset, to: e.offset + e.count, by: 32).enumerated() {
                var amax: Float = 0, m = b
                for i in b..<(b + 32) where amax < abs(v[i]) {
                    amax = abs(v[i])
                    m = i
                }
                for j in 0..<16 {
                    let q = bytes[18 * k + 2 + j]
                    codes[b + j] = q & 0x0F
                    codes[b + 16 + j] = q >> 4
                }
                starts.append(b)
                maxIndex.append(m)
                maxValue.append(amax == 0 ? 0 : self.storage.rounded(v[m]))
            }
        }
        self.vectors = vectors
        blockStart = starts
        self.maxIndex = maxIndex
        self.maxValue = maxValue
        self.codes = codes
    }

    /// The largest value of the storage precision below `x`, a positive value of that precision.
    func below(_ x: Float) -> Float {
        switch storage {
        case .f32: x.nextDown
        case .f16: Float(Float16(x).nextDown)
        case .bf16, .bf16Stochastic: Float(bitPattern: (x.bitPattern & 0xFFFF_0000) - 0x1_0000)
        }
    }

    /// Projects `values` (laid out like the target) into the lock, in place.
    public func project(_ values: inout [Float]) {
        for r in vectors { for i in r { values[i] = original[i] } }
        for k in blockStart.indices {
            let b = blockStart[k], m = maxIndex[k], mx = maxValue[k]
            guard mx != 0 else {
                for i in b..<(b + 32) { values[i] = 0 }
                continue
            }
            let d = mx / -8, limit = below(abs(mx))
            for i in b..<(b + 32) {
                if i == m { values[i] = mx; continue }
                let center = (Float(codes[i]) - 8) * d
                let lo = center - 0.45 * abs(d), hi = center + 0.45 * abs(d)
                var x = storage.rounded(min(hi, max(lo, values[i])))
                x = min(limit, max(-limit, x))
                values[i] = x
            }
        }
    }
}
