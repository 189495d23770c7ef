import Foundation
import WeightFormat

/// The deterministic weight generator shared with `Scripts/golden/seeded_weights.py`, so the
/// golden YAMNet's 15 MB of weights need not be committed (spec: Scripts/golden/README.md).
///   seed(tensor) = FNV-1a-64(name) XOR globalSeed
///   element i:   SplitMix64 of seed + (i+1)·0x9E3779B97F4A7C15 → top 24 bits k →
///                u = k·2⁻²³ − 1 (exact) → value = scale·u + offset (float32, two roundings)
public enum SeededWeights {
    public static func fnv1a64(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    public static func values(name: String, count: Int, globalSeed: UInt64, scale: Float, offset: Float) -> [Float] {
        let seed = fnv1a64(name) ^ globalSeed
        return (0..<count).map { i in
            var z = seed &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let u = Float(z >> 40) * 0x1p-23 - 1
            return scale * u + offset
        }
    }

    /// The golden YAMNet's tensors, in file order, from the manifest's specs.
    public static func records(_ golden: Golden) -> [WeightRecord] {
        golden.yamnet.tensors.map { (t: Golden.TensorSpec) -> WeightRecord in
            let count = t.shape.reduce(1, *)
            let v = values(name: t.name, count: count, globalSeed: golden.yamnet.global_seed,
                           scale: Float(t.scale), offset: Float(t.offset))
            return WeightRecord(name: t.name, shape: t.shape, values: v)
        }
    }

    /// The golden YAMNet's weight file in format v1, written once per process, checked to be the
    /// size the exporter wrote from the tf_keras HDF5; its path. One fixed name in the temporary
    /// directory, overwritten each run: the file is a pure function of the manifest.
    public static let goldenFile: String = {
        let golden = try! Golden.load()
        let bytes = WeightFile.encode(model: "yamnet", records: records(golden))
        precondition(bytes.count == golden.yamnet.weights_size, "seeded weights: \(bytes.count) bytes, exporter wrote \(golden.yamnet.weights_size)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mood-golden-yamnet-\(golden.yamnet.weights_crc32).bin").path
        try! Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }()
}
