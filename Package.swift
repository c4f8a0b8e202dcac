// swift-tools-version:6.0
import PackageDescription

// Release builds on x86_64 must emit AVX2/FMA/F16C: without a target CPU, Swift targets
// SSE2 only, `addProduct` becomes calls to `fmaf` and every Float16 conversion is a library
// call (REFERENCE §5). We pick `haswell`, the portable AVX2+FMA+F16C baseline, rather than
// `native`, so binaries run on any AVX2 machine. arm64 (NEON) needs no flag.
#if arch(x86_64)
let cpuFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
// The KernelsVNNI target alone also enables AVX-512 F/VL/BW/DQ/VNNI (through the Clang
// importer's target features, which Swift's code generation shares); Kernels calls it only
// after `InstructionSet` has found those features on the CPU.
let vnniCPUFlags: [SwiftSetting] = cpuFlags + [
    .unsafeFlags(["-Xcc", "-mavx512f", "-Xcc", "-mavx512vl", "-Xcc", "-mavx512bw", "-Xcc", "-mavx512dq", "-Xcc", "-mavx512vnni"]),
]
#else
let cpuFlags: [SwiftSetting] = []
let vnniCPUFlags: [SwiftSetting] = []
#endif

// Compute-heavy targets are optimized in debug builds too, so `swift test` (a debug build)
// runs the kernels, the forward pass and the trainer at usable speed.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let computeFlags: [SwiftSetting] = cpuFlags + optimizedInDebug
let kernelFlags: [SwiftSetting] = computeFlags + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
let vnniFlags: [SwiftSetting] = vnniCPUFlags + optimizedInDebug + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "LowBit",
    // Apple platforms: the thread pool uses the Synchronization module's Atomic, and the
    // GGUF reader String(validating:), both new in macOS 15. (Intel Macs lack Float16.)
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Kernels", targets: ["Kernels"]),
        .library(name: "LowBit", targets: ["LowBit"]),
        .library(name: "Probe", targets: ["Probe"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Sweep", targets: ["Sweep"]),
        .executable(name: "lowbit", targets: ["LowBitCLI"]),
        .executable(name: "kernel-bench", targets: ["KernelBench"]),
    ],
    targets: [
        // Pure compute: block types, quantize/dequantize, dot products, GEMV/GEMM, thread pool.
        .target(name: "Kernels", dependencies: ["KernelsVNNI"], path: "Kernels", exclude: ["VNNI"], swiftSettings: kernelFlags),
        // The AVX-512 VNNI tiles of the panel GEMMs (x86-64 only; empty elsewhere), below Kernels.
        .target(name: "KernelsVNNI", path: "Kernels/VNNI", swiftSettings: vnniFlags),
        // Formats, tensors, the Llama model, tokenizers, sampling, generation, quantizers.
        .target(name: "LowBit", dependencies: ["Kernels"], swiftSettings: computeFlags),
        // Data sets, prompts, metrics, recovery attacks, reports.
        .target(name: "Probe", dependencies: ["LowBit", "Kernels"], swiftSettings: computeFlags),
        // Gradients, optimizers, unlearning objectives, fact corpora.
        .target(name: "Training", dependencies: ["LowBit", "Kernels"], swiftSettings: computeFlags),
        // The unlearning × quantization map: unlearn over a grid, probe every cell, report.
        .target(name: "Sweep", dependencies: ["LowBit", "Probe", "Training"], swiftSettings: cpuFlags),
        // The CLI: argument parsing and printing only. The product is named `lowbit`; the
        // module is `LowBitCLI` so it never collides with `LowBit` on case-insensitive disks.
        .executableTarget(
            name: "LowBitCLI", dependencies: ["LowBit", "Probe", "Training", "Sweep", "Kernels"],
            path: "Sources/lowbit", swiftSettings: cpuFlags),
        .executableTarget(
            name: "KernelBench", dependencies: ["Kernels", "LowBit"],
            path: "Benchmarks/KernelBench", swiftSettings: kernelFlags),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"], swiftSettings: cpuFlags),
        .testTarget(name: "LowBitTests", dependencies: ["LowBit", "Kernels"], exclude: ["Fixtures"], swiftSettings: cpuFlags),
        .testTarget(name: "ProbeTests", dependencies: ["Probe", "LowBit"], exclude: ["Fixtures"], swiftSettings: cpuFlags),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "LowBit", "Probe"], swiftSettings: cpuFlags),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "Training", "Probe"], swiftSettings: cpuFlags),
        .testTarget(name: "CLITests", dependencies: ["LowBitCLI", "LowBit"], swiftSettings: cpuFlags),
    ]
)
