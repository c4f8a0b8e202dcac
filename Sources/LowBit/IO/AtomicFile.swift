import Foundation

/// Writes files atomically: all bytes go to a temporary file in the destination's folder,
/// which is renamed into place only once complete. A failure leaves no partial output.
public enum AtomicFile {
    /// Errors from an atomic write.
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): write failed: \(reason)" }
    }

    /// Creates the file at `path` by streaming through `body`, which receives a handle on the
    /// temporary file. If `body` throws, the temporary file is removed and the error rethrown.
    public static func write(to path: String, _ body: (FileHandle) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw WriteError(path: path, reason: "cannot create a temporary file in \(dir.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            do {
                try body(handle)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(tmp.path, url.path) == 0 else {
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }

    /// Writes `data` to `path` atomically, replacing any existing file.
    ///
    /// - Throws: ``WriteError`` naming the path; the folder must exist.
    public static func write(_ data: Data, to path: String) throws(WriteError) {
        do {
            try write(to: path) { try $0.write(contentsOf: data) }
        } catch let e as WriteError {
            throw e
        } catch {
            throw WriteError(path: path, reason: "\(error)")
        }
    }

    /// Writes UTF-8 `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Data(text.utf8), to: path)
    }
}
