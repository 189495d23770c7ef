import DSP
import Foundation
import Testing

/// The general windows and mel filterbank (YAMNet's TensorFlow-exact variants: TFFrontendTests).
@Suite struct WindowAndMelTests {
    /// Tolerance: 1 ulp of 1 (the values are in [0, 1], computed in double and rounded once, so
    /// two formulas for the same value may round apart by one ulp): the periodic window is the
    /// symmetric one of length + 1 without its last value (scipy's rule), and the symmetric one
    /// reads the same backwards.
    @Test func hannWindowIsPeriodicOrSymmetric() {
        for length in [1, 2, 7, 8, 400, 401] {
            let periodic = hannWindow(length: length)
            let symmetric = hannWindow(length: length + 1, periodic: false)
            #expect(periodic.count == length)
            if length == 1 { #expect(periodic == [1]); continue }
            for n in 0..<length { #expect(abs(periodic[n] - symmetric[n]) <= Float.ulpOfOne, "length \(length), n \(n)") }
            #expect(periodic[0] == 0)
            let s = hannWindow(length: length, periodic: false)
            for n in 0..<length { #expect(abs(s[n] - s[length - 1 - n]) <= Float.ulpOfOne, "symmetric, n \(n)") }
        }
    }

    /// Each band is a triangle with its peak at 1 at most one bin away from its centre, and the
    /// bands tile the range: every bin inside it is covered by one or two bands.
    @Test func melFilterbankIsTriangular() throws {
        let bands = 40, bins = 257
        let matrix = try melWeightMatrix(melBins: bands, spectrogramBins: bins, sampleRate: 16000,
                                         lowerHertz: 100, upperHertz: 8000)
        for m in 0..<bands {
            let column = (0..<bins).map { matrix[$0 * bands + m] }
            #expect(column.allSatisfy { $0 >= 0 && $0 <= 1 })
            let peak = column.indices.max { column[$0] < column[$1] }!
            #expect(column[..<peak].indices.dropFirst().allSatisfy { column[$0] >= column[$0 - 1] }, "rises to the peak, band \(m)")
            #expect(column[peak...].indices.dropFirst().allSatisfy { column[$0] <= column[$0 - 1] }, "falls after it, band \(m)")
        }
        #expect(matrix[0..<bands].allSatisfy { $0 == 0 }, "the DC bin is excluded")
    }

    @Test func rejectsBadMelEdges() {
        #expect(throws: DSPError.self) {
            try melWeightMatrix(melBins: 64, spectrogramBins: 257, sampleRate: 16000, lowerHertz: 7500, upperHertz: 125)
        }
        #expect(throws: DSPError.self) {
            try melWeightMatrix(melBins: 64, spectrogramBins: 257, sampleRate: 16000, lowerHertz: 125, upperHertz: 9000)
        }
    }

}
