import Kernels

/// The sequential driver GPTQ and AWQ share: block by block, run the calibration sequences
/// through the model whose earlier blocks are already quantized, collect the inputs of this
/// block's linear layers, and replace its matrices (GPTQ's `llama_sequential`).
enum LayerwiseCalibration {
    /// Quantizes the covered matrices of every block, one group of matrices that read the same
    /// input at a time: `quantize(input, tensors, values, statistics)` returns each one's
    /// fake-quant values.
    static func run(
        _ weights: ModelWeights, scheme: any WeightScheme, context: QuantizationContext, hessian: Bool, sampleRows: Int,
        quantize: (LinearInput, [WeightTensor], [[Float]], CalibrationStatistics) throws(QuantizationError) -> [[Float]]
    ) throws(QuantizationError) -> ModelWeights {
        guard !context.calibration.isEmpty else { throw .missingCalibration(scheme: scheme.name) }
        var current = weights
        let layers: Int
        do { layers = try ModelConfig(weights: weights).layers } catch { throw .model(scheme: scheme.name, message: "\(error)") }
        for l in 0..<layers {
            let targets = current.tensors.indices.filter { i in
                LinearInput.of(tensor: current.tensors[i].name)?.layer == l && FakeQuant.covers(current.tensors[i], head: false)
            }
            guard !targets.isEmpty else { continue }
            let statistics = CalibrationStatistics(layer: l, hessian: hessian, sampleRows: sampleRows)
            do {
                let model = try TransformerModel(weights: current)
                for sequence in context.calibration {
                    try model.observeLinearInputs(sequence, observer: statistics, pool: context.pool)
                }
            } catch {
                throw .model(scheme: scheme.name, message: "\(error)")
            }
            var tensors = current.tensors
            for input in LinearInput.allCases {
                let group = targets.filter { LinearInput.of(tensor: tensors[$0].name)?.input == input }
                guard !group.isEmpty else { continue }
                var values: [[Float]] = []
                for i in group { values.append(try FakeQuant.values(tensors[i])) }
                let quantized = try quantize(input, group.map { tensors[$0] }, values, statistics)
                for (k, i) in group.enumerated() { tensors[i] = try FakeQuant.tensor(like: tensors[i], values: quantized[k]) }
            }
            current = ModelWeights(metadata: current.metadata, tensors: tensors, source: current.source)
        }
        return FakeQuant.result(weights, tensors: current.tensors, scheme: scheme, context: context)
    }
}
