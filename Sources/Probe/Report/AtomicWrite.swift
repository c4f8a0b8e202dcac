import Foundation

/// Why a report file could not be written.
public enum ReportWriteError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The temporary file could not be written.
    /// - Parameters:
    ///   - path: The temporary file.
    ///   - message: The underlying error's text.
    case writeFailed(path: String, message: String)
    /// The temporary file could not be renamed onto the destination.
    /// - Parameters:
    ///   - from: The temporary file.
    ///   - to: The destination.
    ///   - errno: The `rename(2)` error number.
    case renameFailed(from: String, to: String, errno: Int32)

    /// A sentence a user understands.
    public var description: String {
        switch self {
        case let .writeFailed(path, message):
            return "cannot write \(path): \(message)"
        case let .renameFailed(from, to, errno):
            return "cannot move \(from) to \(to): \(String(cString: strerror(errno)))"
        }
    }
}

/// Writes files so a reader never sees a half-written one: write a temporary file in the
/// destination's folder, then `rename(2)` it into place (atomic within one file system).
public enum AtomicWrite {
    /// Writes `data` to `url` atomically, replacing any existing file.
    /// - Parameters:
    ///   - data: The bytes.
    ///   - url: The destination; its folder must exist.
    /// - Throws: ``ReportWriteError``; the temporary file is removed on failure.
    public static func write(_ data: Data, to url: URL) throws(ReportWriteError) {
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try data.write(to: temp)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw .writeFailed(path: temp.path, message: error.localizedDescription)
        }
        if rename(temp.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw .renameFailed(from: temp.path, to: url.path, errno: code)
        }
    }

    /// Writes UTF-8 text to `url` atomically.
    /// - Throws: ``ReportWriteError``.
    public static func write(_ text: String, to url: URL) throws(ReportWriteError) {
        try write(Data(text.utf8), to: url)
    }
}
