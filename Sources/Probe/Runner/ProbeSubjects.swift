import Foundation

/// The shipped probe subjects and where to find them:
///
/// ```
/// Models/target.gguf           the model trained on everything (role target)
/// Models/retrain.gguf          the model trained without the forget set (role retrain)
/// Models/unlearned/*.gguf      one per method; ga_gdr.gguf → GA_GDR (role unlearned)
/// Models/data/                 the MUSE-layout corpus
/// ```
public enum ProbeSubjects {
    /// The folder name the subjects live in.
    public static let folderName = "Models"

    /// The first candidate folder that exists.
    ///
    /// The CLI passes `./Models` first and then `Models` under the package root, so that
    /// `swift run lowbit probe` works from anywhere inside a checkout.
    /// - Parameter candidates: Folders to try, in order.
    /// - Returns: The first existing folder, or `nil`.
    public static func locateModelsDirectory(candidates: [URL]) -> URL? {
        for url in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return url
            }
        }
        return nil
    }

    /// The display name of an unlearned model file: its stem, upper-cased (`ga_gdr.gguf` → `GA_GDR`).
    public static func displayName(forFile url: URL) -> String {
        url.deletingPathExtension().lastPathComponent.uppercased()
    }

    /// The default subjects and data folder in a `Models` folder.
    /// - Parameter directory: The `Models` folder.
    /// - Returns: Target, retrain, then the unlearned models sorted by file name; and the data folder.
    /// - Throws: ``ProbeRunError/missingSubjects(directory:missing:)`` listing what is absent.
    public static func defaults(in directory: URL) throws(ProbeRunError) -> (models: [ModelSpec], dataDirectory: String) {
        let fm = FileManager.default
        let target = directory.appendingPathComponent("target.gguf")
        let retrain = directory.appendingPathComponent("retrain.gguf")
        let unlearnedDir = directory.appendingPathComponent("unlearned")
        let data = directory.appendingPathComponent("data")
        var missing: [String] = []
        for url in [target, retrain] where !fm.fileExists(atPath: url.path) { missing.append(url.lastPathComponent) }
        let unlearned = ((try? fm.contentsOfDirectory(atPath: unlearnedDir.path)) ?? [])
            .filter { $0.hasSuffix(".gguf") }.sorted()
            .map { unlearnedDir.appendingPathComponent($0) }
        if unlearned.isEmpty { missing.append("unlearned/*.gguf") }
        if !fm.fileExists(atPath: data.path) { missing.append("data/") }
        guard missing.isEmpty else { throw .missingSubjects(directory: directory.path, missing: missing) }
        var models = [
            ModelSpec(name: "Target", path: target.path, role: .target),
            ModelSpec(name: "Retrain", path: retrain.path, role: .retrain),
        ]
        for url in unlearned {
            let name = displayName(forFile: url)
            models.append(ModelSpec(name: name, path: url.path, role: .unlearned, method: name))
        }
        return (models, data.path)
    }
}
