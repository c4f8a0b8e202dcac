import Kernels

/// One way to store a model's weights at lower precision: a ggml round-to-nearest type, or a
/// scheme from the literature (bitsandbytes NF4/FP4, GPTQ, AWQ) written as "fake-quant"
/// weights. The probe sweeps schemes (``Precision``); `lowbit quantize --type` writes them.
///
/// A new scheme is one type conforming to this protocol plus one row in ``Precision/all``.
public protocol WeightScheme: Sendable {
    /// The name `--precisions` and `--type` accept (`q4_0`, `nf4`, `gptq4`).
    var name: String { get }
    /// The quantizer family, for bits sweeps: `ggml` (round to nearest), `bitsandbytes`,
    /// `llm.int8`, `gptq`, `awq`.
    var family: String { get }
    /// Bits per weight of the scheme's codes (4 for NF4, 3 for GPTQ-3), ignoring scales.
    var bits: Int { get }
    /// Weights sharing one scale (the block or group size), or `nil` for a whole row.
    var groupSize: Int? { get }
    /// Whether ``apply(to:context:)`` needs ``QuantizationContext/calibration`` sequences.
    var needsCalibration: Bool { get }
    /// Whether the scheme also rounds activations at run time (LLM.int8()).
    var quantizesActivations: Bool { get }
    /// The scheme's settings as they are recorded in the output's metadata
    /// (`lowbit.quantization.*`) and in each probe cell.
    var settings: [String: String] { get }

    /// Returns `weights` with every matrix the scheme covers replaced.
    func apply(to weights: ModelWeights, context: QuantizationContext) throws(QuantizationError) -> ModelWeights
}

extension WeightScheme {
    public var needsCalibration: Bool { false }
    public var quantizesActivations: Bool { false }
}

/// What a scheme may use besides the weights.
public struct QuantizationContext: Sendable {
    /// Token sequences whose activations calibrate GPTQ and AWQ (each at most the model's context).
    public var calibration: [[Int32]]
    /// Where the calibration came from, for the metadata and reports (`retain texts`, a path).
    public var calibrationSource: String
    /// Threads for the forward passes and row work, or `nil` for one.
    public var pool: ThreadPool?

    public init(calibration: [[Int32]] = [], calibrationSource: String = "none", pool: ThreadPool? = nil) {
        self.calibration = calibration
        self.calibrationSource = calibrationSource
        self.pool = pool
    }
}

/// Why a scheme could not be applied.
public enum QuantizationError: Error, Equatable, CustomStringConvertible {
    /// A tensor could not be encoded or decoded (an unsupported source type, misaligned rows).
    case kernel(tensor: String, KernelError)
    /// The scheme needs calibration sequences and got none.
    case missingCalibration(scheme: String)
    /// The model could not be built or run on the calibration data.
    case model(scheme: String, message: String)
    /// A setting is outside what the scheme allows.
    case invalidSetting(scheme: String, name: String, value: String)

    public var description: String {
        switch self {
        case let .kernel(tensor, error): "tensor '\(tensor)': \(error)"
        case let .missingCalibration(scheme): "\(scheme) needs calibration text (none was given, or it tokenized to nothing)"
        case let .model(scheme, message): "\(scheme): running the model on the calibration data: \(message)"
        case let .invalidSetting(scheme, name, value): "\(scheme): invalid \(name) '\(value)'"
        }
    }
}

/// Helpers for schemes that write "fake-quant" weights: f16 tensors whose values equal the
/// scheme's dequantized weights, with the scheme and its settings in the metadata.
enum FakeQuant {
    /// The tensors a weight-only scheme quantizes, as bitsandbytes' `load_in_4bit` and the
    /// GPTQ/AWQ reference code do: every linear layer's matrix, not the token embeddings, and
    /// the output head only when `head` is true.
    static func covers(_ t: WeightTensor, head: Bool) -> Bool {
        guard QuantizationPreset.isQuantizable(name: t.name, shape: t.shape), t.name != "token_embd.weight" else { return false }
        return head || t.name != "output.weight"
    }

    /// An f16 tensor holding `values` (rounded to nearest even).
    static func tensor(like t: WeightTensor, values: [Float]) throws(QuantizationError) -> WeightTensor {
        do { return try WeightTensor(name: t.name, type: .f16, shape: t.shape, values: values) }
        catch { throw .kernel(tensor: t.name, error) }
    }

    /// The f32 values of `t`.
    static func values(_ t: WeightTensor) throws(QuantizationError) -> [Float] {
        guard t.type.isSupported else { throw .kernel(tensor: t.name, .unsupportedType(t.type)) }
        return t.floats()
    }

    /// `weights` with `tensors` and the scheme's settings recorded under `lowbit.quantization.*`.
    static func result(_ weights: ModelWeights, tensors: [WeightTensor], scheme: any WeightScheme,
                       context: QuantizationContext) -> ModelWeights {
        var md = weights.metadata
        md["general.file_type"] = .uint32(1)  // MOSTLY_F16: the stored type
        md["lowbit.quantization.scheme"] = .string(scheme.name)
        md["lowbit.quantization.bits"] = .uint32(UInt32(scheme.bits))
        md["lowbit.quantization.group_size"] = .uint32(UInt32(scheme.groupSize ?? 0))
        md["lowbit.quantization.activations"] = .bool(scheme.quantizesActivations)
        if scheme.needsCalibration { md["lowbit.quantization.calibration"] = .string(context.calibrationSource) }
        for (k, v) in scheme.settings.sorted(by: { $0.key < $1.key }) { md["lowbit.quantization.\(k)"] = .string(v) }
        return ModelWeights(metadata: md, tensors: tensors, source: "\(weights.source) as \(scheme.name)")
    }
}
