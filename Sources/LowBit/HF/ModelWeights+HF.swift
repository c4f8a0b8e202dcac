import Foundation

extension ModelWeights {
    /// Converts the Hugging Face checkpoint in `directory` in memory, to the tensors and
    /// metadata llama.cpp's `convert_hf_to_gguf.py` would write (``HFArchitecture``,
    /// ``HFTokenizer``).
    ///
    /// Matrices keep their dtype (F32, F16, BF16) and are zero-copy views of the mapped
    /// shards; only tensors the conversion changes are copied: Llama's permuted `q_proj` /
    /// `k_proj`, Gemma's shifted norms, and 1-D tensors, which become F32 as the converter
    /// writes them.
    ///
    /// - Throws: ``HFError`` or ``SafetensorsError`` naming the file and what is wrong.
    public static func load(huggingFace directory: String) throws -> ModelWeights {
        let checkpoint = try HFCheckpoint(directory: directory)
        let configFile = checkpoint.config
        let architectures = try configFile.strings("architectures") ?? []
        guard let arch = architectures.lazy.compactMap(HFArchitecture.named).first else {
            throw HFError.unsupportedArchitecture(file: configFile.file, architectures: architectures, supported: HFArchitecture.supportedNames)
        }
        var config = configFile
        if let text = try configFile.object("text_config") { config = configFile.merging(HFJSON(object: text.object, file: configFile.file)) }
        // The embedding rows (backed by the file's bytes) bound the token list, else vocab_size.
        let embedding = checkpoint.tensorNames.first { $0.replacingOccurrences(of: "language_model.", with: "") == "model.embed_tokens.weight" }
        let rows = embedding.flatMap { checkpoint.tensors[$0]?.info.shape.first }
        let tokenizer = try HFTokenizer(directory: directory, vocabSize: try rows ?? config.int("vocab_size"))

        var md = GGUFMetadata()
        md["general.architecture"] = .string(arch.family)
        md["general.name"] = .string((directory as NSString).standardizingPath.split(separator: "/").last.map(String.init) ?? "model")
        try arch.hyperParameters(config, &md)
        let converter = HFTensorConverter(arch: arch, config: config, checkpoint: checkpoint, tokenizerRows: tokenizer.converterVocabCount)
        var tensors: [WeightTensor] = []
        for (name, values) in try arch.generatedTensors(config) {
            tensors.append(try WeightTensor(name: name, type: .f32, shape: [values.count], values: values))
        }
        tensors += try converter.convertAll()
        let types = Set(tensors.filter { $0.shape.count > 1 }.map(\.type))
        md["general.file_type"] = .uint32(types.count == 1 ? (QuantizationPreset.pure(types.first!)?.fileType ?? 0) : 0)
        md["general.quantization_version"] = .uint32(2)
        tokenizer.write(into: &md)
        return ModelWeights(metadata: md, tensors: tensors, source: directory)
    }

    /// Opens `path`: a GGUF file, or a Hugging Face checkpoint folder converted in memory
    /// (``load(huggingFace:)``). Every command that takes a model path goes through here.
    ///
    /// - Throws: ``GGUFError``, ``HFError`` or ``SafetensorsError``.
    public static func load(path: String) throws -> ModelWeights {
        if HFCheckpoint.isCheckpoint(path) { return try load(huggingFace: path) }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw HFError.missingFile(folder: path, file: "config.json", hint: "a model is a GGUF file or a Hugging Face checkpoint folder")
        }
        return try GGUFFile.loadWeights(path: path)
    }
}

extension GGUFMetadata {
    /// The metadata of the model at `path` without its tensors: a GGUF file's, or what
    /// ``ModelWeights/load(huggingFace:)`` would give a checkpoint folder (architecture,
    /// hyper-parameters, tokenizer), reading only its JSON files.
    ///
    /// - Throws: ``GGUFError`` or ``HFError``.
    public static func load(modelPath path: String) throws -> GGUFMetadata {
        guard HFCheckpoint.isCheckpoint(path) else { return try GGUFFile(path: path).metadata }
        let configFile = try HFJSON.read(file: (path as NSString).appendingPathComponent("config.json"), limit: HFCheckpoint.maxConfigBytes)
        let architectures = try configFile.strings("architectures") ?? []
        guard let arch = architectures.lazy.compactMap(HFArchitecture.named).first else {
            throw HFError.unsupportedArchitecture(file: configFile.file, architectures: architectures, supported: HFArchitecture.supportedNames)
        }
        var config = configFile
        if let text = try configFile.object("text_config") { config = configFile.merging(HFJSON(object: text.object, file: configFile.file)) }
        var md = GGUFMetadata()
        md["general.architecture"] = .string(arch.family)
        try arch.hyperParameters(config, &md)
        try HFTokenizer(directory: path, vocabSize: try config.int("vocab_size")).write(into: &md)
        return md
    }
}
