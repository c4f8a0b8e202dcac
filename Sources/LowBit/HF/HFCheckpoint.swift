import Foundation

/// A Hugging Face checkpoint folder opened for reading: `config.json`, the tokenizer files,
/// and the tensors of `model.safetensors` or of the shards that
/// `model.safetensors.index.json` lists, each shard memory-mapped and validated
/// (``SafetensorsFile``).
public struct HFCheckpoint: @unchecked Sendable {
    /// One tensor: its header entry and the file that holds it.
    public struct Tensor: @unchecked Sendable {
        public var info: SafetensorsFile.TensorInfo
        public var file: SafetensorsFile
        /// The tensor's bytes (a view into the file's mapping).
        public var bytes: UnsafeRawBufferPointer { file.bytes(of: info) }
    }

    /// The folder.
    public let directory: String
    /// `config.json`.
    public let config: HFJSON
    /// The safetensors files, in shard order.
    public let files: [SafetensorsFile]
    /// Every tensor by name.
    public let tensors: [String: Tensor]
    /// Tensor names in shard order, then data order.
    public let tensorNames: [String]

    /// The largest `config.json` read.
    public static let maxConfigBytes = 16 << 20

    /// Whether `path` is a folder with a `config.json` (what LowBit treats as a checkpoint).
    public static func isCheckpoint(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
            && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("config.json"))
    }

    /// Opens the checkpoint in `directory`.
    ///
    /// - Throws: ``HFError`` for a missing or malformed `config.json` or missing weights,
    ///   ``SafetensorsError`` for a malformed index or safetensors file.
    public init(directory: String) throws {
        self.directory = directory
        let dir = directory as NSString
        let configPath = dir.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw HFError.missingFile(folder: directory, file: "config.json", hint: "not a Hugging Face checkpoint folder")
        }
        config = try HFJSON.read(file: configPath, limit: Self.maxConfigBytes)

        let indexPath = dir.appendingPathComponent("model.safetensors.index.json")
        let singlePath = dir.appendingPathComponent("model.safetensors")
        var files: [SafetensorsFile] = []
        var expected: [String: String]?
        if FileManager.default.fileExists(atPath: indexPath) {
            let index = try SafetensorsIndex(json: HFJSON.read(file: indexPath, limit: SafetensorsIndex.maxBytes))
            for shard in index.shards {
                let path = dir.appendingPathComponent(shard)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw HFError.missingFile(folder: directory, file: shard, hint: "listed in model.safetensors.index.json")
                }
                files.append(try SafetensorsFile(path: path))
            }
            expected = index.weightMap
        } else if FileManager.default.fileExists(atPath: singlePath) {
            files.append(try SafetensorsFile(path: singlePath))
        } else {
            let hasPickle = FileManager.default.fileExists(atPath: dir.appendingPathComponent("pytorch_model.bin"))
                || FileManager.default.fileExists(atPath: dir.appendingPathComponent("pytorch_model.bin.index.json"))
            throw HFError.missingFile(
                folder: directory, file: "model.safetensors or model.safetensors.index.json",
                hint: hasPickle ? "PyTorch pickle checkpoints (pytorch_model.bin) are not read; save the model with safetensors" : "")
        }
        var tensors: [String: Tensor] = [:]
        var names: [String] = []
        for f in files {
            for info in f.tensors {
                if let other = tensors[info.name] {
                    throw SafetensorsError.duplicateTensor(file: f.path, tensor: info.name, otherFile: other.file.path)
                }
                tensors[info.name] = Tensor(info: info, file: f)
                names.append(info.name)
            }
        }
        if let expected {
            for (name, shard) in expected.sorted(by: { $0.key < $1.key }) {
                guard let t = tensors[name], (t.file.path as NSString).lastPathComponent == shard else {
                    throw SafetensorsError.tensorMissingFromShard(file: indexPath, tensor: name, shard: shard)
                }
            }
        }
        self.files = files
        self.tensors = tensors
        tensorNames = names
    }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}
