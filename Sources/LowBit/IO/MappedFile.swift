#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file. It owns the mapping: tensor views hold a
/// reference to it, so the bytes stay valid as long as any view lives.
///
/// ``init(copying:path:)`` makes one from bytes in memory instead (a heap copy of exactly
/// that size), for fuzzing and tests: an address sanitizer then catches a read even one byte
/// past the end, which a page-granular mapping would hide.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened from.
    public let path: String
    /// The mapped bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Whether ``bytes`` is a heap copy rather than a mapping.
    private let isHeapCopy: Bool

    /// A heap copy of `contents`, named `path` in messages.
    public init(copying contents: UnsafeRawBufferPointer, path: String) {
        self.path = path
        isHeapCopy = true
        guard !contents.isEmpty else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: contents.count, alignment: 16)
        copy.copyMemory(from: contents)
        bytes = UnsafeRawBufferPointer(copy)
    }

    /// Maps `path` read-only.
    ///
    /// - Throws: ``GGUFError/cannotOpen(file:reason:)`` when the file cannot be opened,
    ///   is not a regular file, or cannot be mapped.
    public init(path: String) throws(GGUFError) {
        self.path = path
        isHeapCopy = false
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .cannotOpen(file: path, reason: "not a regular file") }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw .cannotOpen(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        guard let p = bytes.baseAddress else { return }
        if isHeapCopy {
            UnsafeMutableRawPointer(mutating: p).deallocate()
        } else {
            munmap(UnsafeMutableRawPointer(mutating: p), bytes.count)
        }
    }
}
