import KernelABI

// One source, three builds (Package.swift): `Kernels` for baseline x86-64 / arm64,
// `KernelsAVX2` (-target-cpu haswell, KERNELS_FMA) and `KernelsAVX512` (-target-cpu
// skylake-avx512, KERNELS_FMA, KERNELS_WIDE); the last two hold symbolic links to these files.
#if KERNELS_WIDE
/// This build's vector: 16 floats (one AVX-512 register).
public typealias Lanes = SIMD16<Float>
let variantName = "avx512"
#elseif KERNELS_FMA
/// This build's vector: 8 floats (one AVX register).
public typealias Lanes = SIMD8<Float>
let variantName = "avx2"
#else
/// This build's vector: 8 floats (two SSE or NEON registers).
public typealias Lanes = SIMD8<Float>
let variantName = "baseline"
#endif

/// This build's kernels, at its vector width.
public let kernelTable = KernelTable(
    name: variantName, lanes: Lanes.scalarCount,
    depthwiseRows: { depthwiseRows(Lanes.self, $0, $1) },
    convRows: { convRows(Lanes.self, $0, $1) },
    relu: { reluInPlace(Lanes.self, $0, count: $1) })

/// acc + a·b: one fused multiply-add where the build has FMA (Haswell and later, arm64), else a
/// multiply and an add (`addingProduct` would be a libm call per lane on baseline x86-64).
@inline(__always)
func madd<V: SIMD>(_ acc: V, _ a: V, _ b: V) -> V where V.Scalar == Float {
    #if KERNELS_FMA || arch(arm64)
    acc.addingProduct(a, b)
    #else
    acc + a * b
    #endif
}

@inline(__always)
func load<V: SIMD>(_ p: UnsafePointer<Float>, as _: V.Type = V.self) -> V where V.Scalar == Float {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
}

@inline(__always)
func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>) where V.Scalar == Float {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
}

/// The epilogue of a vector of sums: act(acc · scale + bias), or act(acc) when the sum started
/// from the bias (`scale` nil). `ch` indexes the channel of the first lane.
@inline(__always)
func finish<V: SIMD>(_ acc: V, ch: Int, scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                     relu: Bool) -> V where V.Scalar == Float {
    var acc = acc
    if let scale { acc = madd(bias.map { load($0 + ch) } ?? V(), acc, load(scale + ch)) }
    if relu { acc.replace(with: 0, where: acc .< 0) }
    return acc
}
