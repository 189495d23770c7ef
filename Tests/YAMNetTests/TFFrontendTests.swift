import DSP
import YAMNet
import Foundation
import Testing
import TestSupport

/// YAMNet's front end reproduces TensorFlow's float32 window, mel matrix, cos and log.
@Suite struct TFFrontendTests {
    /// Tolerance: 0 ulp. tfHannWindow evaluates TensorFlow's float32 formula with Eigen's cos
    /// (tfCos), so every value must be the same float.
    @Test func windowMatchesTensorFlow() throws {
        let golden = try Golden.load()
        let reference = try Golden.floats(golden.frontend.window)
        let ours = tfHannWindow(length: reference.count)
        let mismatches = zip(ours, reference).filter { $0.bitPattern != $1.bitPattern }.count
        print("Hann window vs TensorFlow: \(mismatches) of \(reference.count) values differ; \(Difference(ours, reference))")
        #expect(mismatches == 0)
    }

    /// Tolerance: 1e-6 absolute (weights are in [0, 1]). With TensorFlow's own log the matrix
    /// comes out bit-identical; one ulp of the HTK log would already move a weight by ~6e-6.
    @Test func melMatrixMatchesTensorFlow() throws {
        let golden = try Golden.load()
        let reference = try Golden.floats(golden.frontend.mel_matrix)
        let ours = try melWeightMatrix(melBins: 64, spectrogramBins: 257, sampleRate: 16000,
                                       lowerHertz: 125, upperHertz: 7500, scale: .tensorFlow)
        let d = Difference(ours, reference)
        print("mel matrix vs TensorFlow: \(d)")
        #expect(d.maxAbs <= 1e-6)
        #expect(ours[0..<64].allSatisfy { $0 == 0 }, "the DC bin is excluded")
    }

    /// tfLog and tfCos stay within 2 ulp of the correctly rounded result (Eigen's own bound),
    /// and handle the special values as TensorFlow does.
    @Test func tensorFlowMathIsAccurate() {
        var random = TestRandom(seed: 3)
        for _ in 0..<20000 {
            let x = random.next() * 4000 + 1e-4
            let exact = Float(Foundation.log(Double(x)))
            #expect(abs(tfLog(x) - exact) <= 2 * exact.ulp)
            let a = (random.next() - 0.5) * 100
            let c = Float(Foundation.cos(Double(a)))
            #expect(abs(tfCos(a) - c) <= 2 * Float.ulpOfOne)
        }
        #expect(tfLog(0) == -.infinity)
        #expect(tfLog(-1).isNaN)
        #expect(tfLog(.infinity) == .infinity)
        #expect(tfLog(1) == 0)
    }
}
