import ArgumentParser
import Foundation
import Tensor
import YAMNet

extension Bench {
    /// `mood bench kernels`: each YAMNet layer's kernels timed alone at one batch size, with the
    /// epilogues YAMNet runs: per-channel scale and bias after row 1's conv, bias only after the
    /// depthwise and pointwise sums (their scales are folded or deferred: `YAMNet.Weights`).
    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kernels", abstract: "Time each YAMNet layer's depthwise and pointwise kernels alone.")

        @Option(help: "Patches per batch.") var batch: Int = 32
        @Option(help: "Threads.") var threads: Int = 1
        @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 9
        @Option(help: "Kernel variant (baseline, avx2, avx512; default: the widest this CPU runs).")
        var variant: KernelVariant = .active

        func validate() throws {
            guard KernelVariant.supportedHere.contains(variant) else {
                throw ValidationError("this CPU cannot run the \(variant) kernels (it runs: \(KernelVariant.supportedHere.map(\.rawValue).joined(separator: ", ")))")
            }
        }

        func run() {
            print("kernels: \(variant.rawValue) (\(variant.table.lanes) floats per vector); CPU runs \(KernelVariant.supportedHere.map(\.rawValue).joined(separator: ", "))")
            BLASThreads.set(1)
            let params = Params()
            var shape = NHWC(n: batch, h: params.patchFrames, w: params.patchBands, c: 1)
            var totals = (depthwise: 0.0, pointwise: 0.0, conv: 0.0)
            var random: UInt32 = 1
            func fill(_ count: Int) -> [Float] {
                (0..<count).map { _ in random = random &* 1_664_525 &+ 1_013_904_223; return Float(random >> 9) / Float(1 << 23) - 0.5 }
            }
            for (i, spec) in YAMNetLayers.table.enumerated() {
                let input = fill(shape.count)
                let outShape = conv3x3OutputShape(shape, stride: spec.stride, channels: spec.kind == .conv ? spec.filters : shape.c)
                var out = [Float](repeating: 0, count: outShape.count)
                if spec.kind == .conv {
                    let kernel = fill(9 * shape.c * spec.filters), scale = fill(spec.filters), bias = fill(spec.filters)
                    let t = median(repeats) {
                        conv2d3x3Forward(out: &out, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                         outChannels: spec.filters, stride: spec.stride, relu: true, threads: threads,
                                         variant: variant)
                    }
                    totals.conv += t
                    print(String(format: "layer%-2d conv      %@ → %@  %7.3f ms", i + 1, "\(shape)", "\(outShape)", t * 1000))
                } else {
                    let kernel = fill(9 * shape.c), bias = fill(shape.c)
                    let td = median(repeats) {
                        depthwiseConv3x3Forward(out: &out, input: input, shape: shape, kernel: kernel, bias: bias,
                                                stride: spec.stride, relu: true, threads: threads, variant: variant)
                    }
                    let pwKernel = fill(shape.c * spec.filters), pwBias = fill(spec.filters)
                    var pwOut = [Float](repeating: 0, count: outShape.n * outShape.h * outShape.w * spec.filters)
                    let tp = median(repeats) {
                        pointwiseConvForward(out: &pwOut, input: out, shape: outShape, kernel: pwKernel, bias: pwBias,
                                             outChannels: spec.filters, relu: true, threads: threads)
                    }
                    totals.depthwise += td; totals.pointwise += tp
                    let macs = Double(outShape.n * outShape.h * outShape.w * shape.c * spec.filters)
                    print(String(format: "layer%-2d depthwise %@ → %@  %7.3f ms | pointwise → %d ch %7.3f ms (%.1f GFLOP/s)",
                                 i + 1, "\(shape)", "\(outShape)", td * 1000, spec.filters, tp * 1000, 2 * macs / tp / 1e9))
                }
                shape = NHWC(n: outShape.n, h: outShape.h, w: outShape.w, c: spec.filters)
            }
            print(String(format: "total: conv %.2f ms, depthwise %.2f ms, pointwise %.2f ms for %d patches",
                         totals.conv * 1000, totals.depthwise * 1000, totals.pointwise * 1000, batch))
        }
    }
}

extension KernelVariant: ExpressibleByArgument {}
