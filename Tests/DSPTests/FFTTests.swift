import DSP
import Foundation
import Testing
import TestSupport

@Suite struct FFTTests {
    /// Runs our plan on the golden FFT input frames; returns interleaved (re, im) per bin.
    func spectra(_ golden: Golden) throws -> [Float] {
        let input = try Golden.floats(golden.frontend.fft.input)
        let n = golden.frontend.fft.input.shape[1], frames = golden.frontend.fft.input.shape[0]
        let plan = try RealFFTPlan(n: n)
        var re = [Float](repeating: 0, count: n / 2 + 1), im = re
        var out: [Float] = []
        for f in 0..<frames {
            input.withUnsafeBufferPointer { plan.forward($0.baseAddress! + f * n, count: n, real: &re, imag: &im) }
            for k in 0...(n / 2) { out += [re[k], im[k]] }
        }
        return out
    }

    /// Tolerance: 0 ulp. The plan performs pocketfft's float32 operations in the same order as
    /// TensorFlow's CPU rfft, so every bit must agree; any other FFT leaves ~1e-7·‖x‖ of rounding
    /// noise, which YAMNet's log floor magnifies (see RealFFT.swift).
    @Test func bitExactAgainstTensorFlow() throws {
        let golden = try Golden.load()
        let ours = try spectra(golden), tf = try Golden.floats(golden.frontend.fft.tf)
        let mismatches = zip(ours, tf).filter { $0.bitPattern != $1.bitPattern }.count
        print("FFT vs TensorFlow rfft: \(mismatches) of \(tf.count) values differ in any bit")
        #expect(mismatches == 0)
    }

    /// Tolerance: SNR ≥ 90 dB against numpy.fft in float64 (kissfft's criterion for float32; a
    /// 512-point float32 FFT reaches ~140 dB, so 90 dB leaves room for any correct algorithm).
    @Test func snrAgainstNumpy() throws {
        let golden = try Golden.load()
        let ours = try spectra(golden), reference = try Golden.doubles(golden.frontend.fft.numpy)
        var signal = 0.0, noise = 0.0
        for (x, r) in zip(ours, reference) { signal += r * r; noise += (Double(x) - r) * (Double(x) - r) }
        let snr = 10 * log10(signal / noise)
        print("FFT vs numpy.fft (float64): SNR = \(snr) dB")
        #expect(snr >= 90)
    }

    /// Tolerance: 0 ulp. Four frames in SIMD lanes run the same operations as one frame each.
    @Test func fourLanesEqualFourFrames() throws {
        let golden = try Golden.load()
        let input = try Golden.floats(golden.frontend.fft.input)
        let n = 512, plan = try RealFFTPlan(n: n)
        let lanes = (0..<n).map { t in SIMD4(input[t], input[n + t], input[2 * n + t], input[3 * n + t]) }
        var re4 = [SIMD4<Float>](repeating: .zero, count: n / 2 + 1), im4 = re4
        plan.forward4(lanes, count: n, real: &re4, imag: &im4)
        var re = [Float](repeating: 0, count: n / 2 + 1), im = re
        for lane in 0..<4 {
            input.withUnsafeBufferPointer { plan.forward($0.baseAddress! + lane * n, count: n, real: &re, imag: &im) }
            #expect(re4.map { $0[lane].bitPattern } == re.map(\.bitPattern))
            #expect(im4.map { $0[lane].bitPattern } == im.map(\.bitPattern))
        }
    }

    @Test func rejectsUnsupportedLengths() {
        #expect(throws: DSPError.unsupportedFFTLength(400)) { try RealFFTPlan(n: 400) }
        #expect(throws: DSPError.unsupportedFFTLength(1)) { try RealFFTPlan(n: 1) }
    }

    /// Tolerance 1e-5·n: a unit impulse and a cosine have exact spectra; float32 rounding over
    /// log2(n) passes stays far below that.
    @Test(arguments: [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048])
    func knownSpectra(n: Int) throws {
        let plan = try RealFFTPlan(n: n)
        var re = [Float](repeating: 0, count: n / 2 + 1), im = re
        var impulse = [Float](repeating: 0, count: n); impulse[0] = 1
        plan.forward(impulse, count: n, real: &re, imag: &im)
        #expect(re.allSatisfy { abs($0 - 1) < 1e-6 } && im.allSatisfy { abs($0) < 1e-6 })
        let bin = n / 4
        let cosine = (0..<n).map { Float(cos(2 * Double.pi * Double(bin * $0) / Double(n))) }
        plan.forward(cosine, count: n, real: &re, imag: &im)
        for k in 0...(n / 2) {
            let expected: Float = k == bin ? (bin == 0 || bin == n / 2 ? Float(n) : Float(n) / 2) : 0
            #expect(abs(re[k] - expected) <= 1e-5 * Float(n) && abs(im[k]) <= 1e-5 * Float(n), "n=\(n) k=\(k)")
        }
    }
}
