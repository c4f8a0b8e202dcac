import Foundation
import Synchronization

/// The instruction set the kernels run on: found once from the CPU, capped by the
/// `LOWBIT_ISA` environment variable (`avx2` keeps an AVX-512 machine on the AVX2 kernels)
/// or by ``limit(to:)``. Every choice computes the same results bit for bit; only speed differs.
public enum InstructionSet: Int, Sendable, Comparable, CustomStringConvertible, CaseIterable {
    /// The portable `SIMD4`/`SIMD8`/`SIMD16` kernels (arm64, NEON).
    case simd
    /// x86-64 with AVX2, FMA and F16C (the `haswell` build baseline).
    case avx2
    /// AVX2 plus AVX-512 F, VL, BW, DQ and VNNI: the `KernelsVNNI` tiles (`vpdpbusd` on
    /// 256-bit registers, 32 vector registers) for the prefill GEMMs of the 32-element types.
    case avx512vnni

    public var description: String {
        switch self {
        case .simd: "simd"
        case .avx2: "avx2"
        case .avx512vnni: "avx512vnni"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The best set this CPU and operating system support.
    public static let detected: InstructionSet = detect()

    private static let active = Atomic<Int>(initial().rawValue)

    /// The set the kernels use now.
    public static var current: InstructionSet { InstructionSet(rawValue: active.load(ordering: .relaxed)) ?? .simd }

    /// Caps the kernels at `set` (never above ``detected``, never below the build's
    /// baseline: AVX2 on x86-64) and returns the previous choice.
    @discardableResult
    public static func limit(to set: InstructionSet) -> InstructionSet {
        InstructionSet(rawValue: active.exchange(clamp(set).rawValue, ordering: .relaxed)) ?? .simd
    }

    private static func clamp(_ set: InstructionSet) -> InstructionSet {
        #if arch(x86_64)
        max(min(set, detected), .avx2)
        #else
        min(set, detected)
        #endif
    }

    /// Parses a `LOWBIT_ISA` value (`simd`, `avx2`, `avx512vnni`).
    public init?(name: String) {
        guard let s = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = s
    }

    private static func initial() -> InstructionSet {
        guard let name = ProcessInfo.processInfo.environment["LOWBIT_ISA"], let cap = InstructionSet(name: name) else {
            return detected
        }
        return clamp(cap)
    }

    private static func detect() -> InstructionSet {
        #if arch(x86_64)
        let needed = ["avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512_vnni"]
        #if os(Linux)
        // The kernel lists a feature only when the CPU has it and the OS saves its registers.
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return .avx2 }
        let flags = Set(line.split(separator: " ").map(String.init))
        return needed.allSatisfy(flags.contains) ? .avx512vnni : .avx2
        #elseif canImport(Darwin)
        let names = ["hw.optional.avx512f", "hw.optional.avx512vl", "hw.optional.avx512bw", "hw.optional.avx512dq",
                     "hw.optional.avx512vnni"]
        let all = names.allSatisfy { name in
            var v: Int32 = 0
            var size = MemoryLayout<Int32>.size
            return sysctlbyname(name, &v, &size, nil, 0) == 0 && v != 0
        }
        return all ? .avx512vnni : .avx2
        #else
        return .avx2
        #endif
        #else
        return .simd
        #endif
    }
}
