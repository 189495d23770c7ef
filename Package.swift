// swift-tools-version:6.0
import PackageDescription

// The inner loops of Tensor, built three times from Sources/Kernels (KernelsAVX2 and KernelsAVX512
// hold symbolic links to its files) and chosen at run time from the CPU's features (KernelVariant).
// The manifest is compiled for the build machine, so a cross build to arm64 from x86-64 would
// need these flags dropped.
#if arch(x86_64)
let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"]), .define("KERNELS_FMA")]
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("KERNELS_FMA"),
                                      .define("KERNELS_WIDE")]
#else
let avx2Settings: [SwiftSetting] = []
let avx512Settings: [SwiftSetting] = []
#endif

// The module graph (ARCHITECTURE.md). Dependencies point one way, bottom to top; Scripts/check-graph
// fails CI when a forbidden edge appears.
//
//   mood ─► Worker ─► _CCurl
//     ├───► WorkerMetrics ─► Worker, swift-metrics (CoreMetrics), swift-prometheus, FlyingFox
//     ├───► Analysis ─► YAMNet ─► Tensor ─► _COpenBLAS
//     │        │          │          └──► Kernels, KernelsAVX2, KernelsAVX512 ─► KernelABI
//     │        │          ├─────► DSP
//     │        │          └─────► WeightFormat
//     │        └──────► Emotion ─► DSP, WeightFormat
//     ├───► Plot ─► WeightFormat (CRC-32) ─► _CCRC
//     └───► AudioIO ─► DSP (the resampler)
let package = Package(
    name: "MoodEngine",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mood", targets: ["mood"]),
        .library(name: "AudioIO", targets: ["AudioIO"]),
        .library(name: "DSP", targets: ["DSP"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "YAMNet", targets: ["YAMNet"]),
        .library(name: "Emotion", targets: ["Emotion"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The worker's /metrics, /healthz and /readyz (WorkerMetrics; BENCHMARKS.md: their cost).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // Public API
        .target(name: "WeightFormat", dependencies: ["_CCRC"]),
        .target(name: "DSP"),
        .target(name: "AudioIO", dependencies: ["DSP"]),
        .target(name: "Tensor", dependencies: ["_COpenBLAS", "KernelABI", "Kernels", "KernelsAVX2", "KernelsAVX512"]),
        .target(name: "KernelABI"),
        .target(name: "Kernels", dependencies: ["KernelABI"]),
        .target(name: "KernelsAVX2", dependencies: ["KernelABI"], swiftSettings: avx2Settings),
        .target(name: "KernelsAVX512", dependencies: ["KernelABI"], swiftSettings: avx512Settings),
        .target(name: "YAMNet", dependencies: ["Tensor", "DSP", "WeightFormat"]),
        .target(name: "Emotion", dependencies: ["DSP", "WeightFormat"]),
        .target(name: "Analysis", dependencies: ["AudioIO", "DSP", "YAMNet", "Emotion"]),
        .target(name: "Plot", dependencies: ["WeightFormat"]),
        .target(name: "Worker", dependencies: ["_CCurl"]),
        .target(name: "WorkerMetrics", dependencies: [
            "Worker", .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "FlyingFox", package: "FlyingFox")]),
        .executableTarget(
            name: "mood",
            dependencies: ["AudioIO", "DSP", "Tensor", "WeightFormat", "YAMNet", "Emotion", "Analysis", "Plot",
                           "Worker", "WorkerMetrics", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            plugins: ["EmbedEmotionModel"]),
        // Weights/emotion.bin in the binary, generated at build time (mood needs no data file for it).
        .executableTarget(name: "embed-resource"),
        .plugin(name: "EmbedEmotionModel", capability: .buildTool(), dependencies: ["embed-resource"]),

        // Implementation: C shims promise no stable API (swift-numerics convention).
        .systemLibrary(name: "_COpenBLAS", path: "Sources/_COpenBLAS"),
        .systemLibrary(name: "_CCurl", path: "Sources/_CCurl"),
        // CRC-32 by carry-less multiplication (PCLMULQDQ), for the weight files' check at load.
        .target(name: "_CCRC"),

        // Tests
        .target(name: "TestSupport", dependencies: ["AudioIO", "WeightFormat"], path: "Tests/TestSupport"),
        .testTarget(name: "WeightFormatTests", dependencies: ["WeightFormat", "TestSupport"]),
        .testTarget(name: "DSPTests", dependencies: ["DSP", "TestSupport"]),
        .testTarget(name: "AudioIOTests", dependencies: ["AudioIO", "TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "YAMNetTests", dependencies: ["YAMNet", "AudioIO", "DSP", "Tensor", "WeightFormat", "TestSupport"]),
        .testTarget(name: "EmotionTests", dependencies: ["Emotion", "AudioIO", "DSP", "WeightFormat", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "AudioIO", "Emotion", "YAMNet", "TestSupport"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot", "WeightFormat"]),
        .testTarget(name: "WorkerTests", dependencies: ["Worker", "TestSupport"]),
        .testTarget(name: "WorkerMetricsTests", dependencies: ["WorkerMetrics", "Worker"]),
        .testTarget(name: "MoodTests", dependencies: ["mood", "Worker", "Analysis", "AudioIO", "Plot", "Emotion", "YAMNet", "TestSupport"]),
        // Mutation fuzzing of the decoders' public paths and the whole analysis, run in release by Scripts/fuzz.
        .executableTarget(name: "fuzz-analysis", dependencies: ["AudioIO", "Analysis", "Emotion", "YAMNet", "TestSupport"],
                          path: "Tests/Fuzz"),
        // Writes the hostile-input corpus (TestSupport/HostileFiles) for Scripts/hostile/run.
        .executableTarget(name: "hostile-corpus", dependencies: ["TestSupport"], path: "Tests/HostileCorpus"),
    ],
    swiftLanguageModes: [.v6]
)
