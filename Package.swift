// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MoodEngine",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mood", targets: ["mood"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "DSP", targets: ["DSP"]),
        .library(name: "YAMNet", targets: ["YAMNet"]),
        .library(name: "Emotion", targets: ["Emotion"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Public API
        .target(name: "Tensor", dependencies: ["COpenBLAS"]),
        .target(name: "DSP"),
        .target(name: "YAMNet", dependencies: ["Tensor", "DSP"]),
        .target(name: "Emotion", dependencies: ["Tensor", "DSP"]),
        .target(name: "Analysis", dependencies: ["DSP", "Emotion", "YAMNet"]),
        .target(name: "Worker", dependencies: ["Analysis", "DSP", "CCurl"]),
        .executableTarget(
            name: "mood",
            dependencies: ["YAMNet", "DSP", "Tensor", "Emotion", "Analysis", "Worker",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Implementation: C shims promise no stable API (swift-numerics convention).
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),

        // Tests
        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "DSPTests", dependencies: ["DSP", "TestSupport"]),
        .testTarget(name: "YAMNetTests", dependencies: ["YAMNet", "DSP", "Tensor", "TestSupport"]),
        .testTarget(name: "WorkerTests", dependencies: ["Worker", "Analysis", "Emotion", "YAMNet", "DSP", "TestSupport"]),
        .testTarget(name: "EmotionTests", dependencies: ["Emotion", "DSP", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Emotion", "YAMNet", "DSP", "Tensor", "TestSupport"]),
        // Mutation fuzzing of the decoders' public paths, run in release by Scripts/test.
        .executableTarget(name: "fuzz-decoders", dependencies: ["DSP", "TestSupport"], path: "Tests/Fuzz"),
    ],
    swiftLanguageModes: [.v6]
)
