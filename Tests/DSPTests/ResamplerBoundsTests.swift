@testable import DSP
import Foundation
import Testing

/// The plan's size is bounded for any rate pair (`ResamplerPlan.maxWeights`): the longest filter
/// the audio pipeline can ask for (a prime rate near 768 kHz → 16 kHz) fits, interpolated, and
/// still passes a tone at unit gain; a pair past the bound is refused before any table is made,
/// while a long filter of one phase (10 MHz → 16 kHz: L = 1) stays small and is allowed.
@Suite struct ResamplerBoundsTests {
    @Test func primeRateNearTheTopFitsAndPassesATone() throws {
        let plan = try ResamplerPlan(inputRate: 767_957, outputRate: 16000)
        #expect(plan.isInterpolated && plan.upFactor == 16000)
        #expect(plan.table.count + plan.slopes.count <= ResamplerPlan.maxWeights)
        let tone = (0..<383_979).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / 767_957)) }
        let out = plan.resample(tone)
        let middle = out[2000..<6000], rms = (middle.reduce(0) { $0 + Double($1) * Double($1) } / Double(middle.count)).squareRoot()
        #expect(abs(20 * log10(rms / (0.5 / 2.0.squareRoot()))) < 0.01, "gain \(rms)")
    }

    @Test func filtersPastTheBoundAreRefused() throws {
        #expect(throws: DSPError.self) { try ResamplerPlan(inputRate: 9_999_991, outputRate: 16000) }
        #expect(throws: DSPError.self) { try ResamplerPlan(inputRate: 1_400_003, outputRate: 16000) }
        #expect(try ResamplerPlan(inputRate: 10_000_000, outputRate: 16000).table.count < 1 << 17)   // L = 1: one row
    }
}
