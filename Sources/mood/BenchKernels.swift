import ArgumentParser
import Foundation
import Tensor
import YAMNet

extension Bench {
    /// `mood bench kernels`: each YAMNet layer's kernels timed alone at one batch size, with the
    /// epilogues YAMNet runs: per-channel scale and bias after the conv and pointwise GEMMs, bias
    /// only after the depthwise sum (its kernels carry the scale).
    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kernels", abstract: "Time each YAMNet layer's depthwise and pointwise kernels alone.")

        @Option(help: "Patches per batch.") var batch: Int = 32
        @Option(help: "Threads.") var threads: Int = 1
        @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 9
        @Flag(help: "Conv and pointwise with bias only, no per-channel scale (as if batch norm were folded into their kernels).") var noScale = false

        /// `body` with `scale`'s storage, or with nil under --no-scale.
        func scaled(_ scale: [Float], _ body: (UnsafePointer<Float>?) -> Void) {
            if noScale { body(nil) } else { scale.withUnsafeBufferPointer { body($0.baseAddress) } }
        }

        func run() {
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
                    var scratch = [Float](repeating: 0, count: conv2d3x3ScratchCount(shape, stride: spec.stride))
                    let t = median(repeats) { scaled(scale) { scale in
                        conv2d3x3Forward(out: &out, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                         outChannels: spec.filters, stride: spec.stride, relu: true, scratch: &scratch, threads: threads)
                    } }
                    totals.conv += t
                    print(String(format: "layer%-2d conv      %@ → %@  %7.3f ms", i + 1, "\(shape)", "\(outShape)", t * 1000))
                } else {
                    // Depthwise kernels come with their scale folded in (YAMNet.Weights): bias only.
                    let kernel = fill(9 * shape.c), bias = fill(shape.c)
                    let td = median(repeats) {
                        depthwiseConv3x3Forward(out: &out, input: input, shape: shape, kernel: kernel, bias: bias,
                                                stride: spec.stride, relu: true, threads: threads)
                    }
                    let pwKernel = fill(shape.c * spec.filters), pwScale = fill(spec.filters), pwBias = fill(spec.filters)
                    var pwOut = [Float](repeating: 0, count: outShape.n * outShape.h * outShape.w * spec.filters)
                    let tp = median(repeats) { scaled(pwScale) { scale in
                        pointwiseConvForward(out: &pwOut, input: out, shape: outShape, kernel: pwKernel, scale: scale, bias: pwBias,
                                             outChannels: spec.filters, relu: true, threads: threads)
                    } }
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
