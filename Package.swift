// swift-tools-version:6.0
import PackageDescription

// The module graph (ARCHITECTURE.md). Dependencies point one way, bottom to top; Scripts/check-graph
// fails CI when a forbidden edge appears.
//
//   mood ─► Worker ─► _CCurl
//     ├───► Analysis ─► YAMNet ─► Tensor ─► _COpenBLAS
//     │        │          ├─────► DSP
//     │        │          └─────► WeightFormat
//     │        └──────► Emotion ─► DSP, WeightFormat
//     ├───► Plot ─► WeightFormat (CRC-32)
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
    ],
    targets: [
        // Public API
        .target(name: "WeightFormat"),
        .target(name: "DSP"),
        .target(name: "AudioIO", dependencies: ["DSP"]),
        .target(name: "Tensor", dependencies: ["_COpenBLAS"]),
        .target(name: "YAMNet", dependencies: ["Tensor", "DSP", "WeightFormat"]),
        .target(name: "Emotion", dependencies: ["DSP", "WeightFormat"]),
        .target(name: "Analysis", dependencies: ["AudioIO", "DSP", "YAMNet", "Emotion"]),
        .target(name: "Plot", dependencies: ["WeightFormat"]),
        .target(name: "Worker", dependencies: ["_CCurl"]),
        .executableTarget(
            name: "mood",
            dependencies: ["AudioIO", "DSP", "Tensor", "WeightFormat", "YAMNet", "Emotion", "Analysis", "Plot",
                           "Worker", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Implementation: C shims promise no stable API (swift-numerics convention).
        .systemLibrary(name: "_COpenBLAS", path: "Sources/_COpenBLAS"),
        .systemLibrary(name: "_CCurl", path: "Sources/_CCurl"),

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
        .testTarget(name: "MoodTests", dependencies: ["mood", "Worker", "Analysis", "AudioIO", "Plot", "Emotion", "YAMNet", "TestSupport"]),
        // Mutation fuzzing of the decoders' public paths, run in release by Scripts/fuzz.
        .executableTarget(name: "fuzz-decoders", dependencies: ["AudioIO", "TestSupport"], path: "Tests/Fuzz"),
    ],
    swiftLanguageModes: [.v6]
)
