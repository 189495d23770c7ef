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
    depthwiseRows: { depthwiseRows($0, $1) }, convRows: { convRows($0, $1) }, relu: { reluInPlace($0, count: $1) })

// The loops use `Lanes` itself, never a generic `SIMD` parameter: the standard library's fast
// vector operations belong to the concrete types, and a specialised generic falls back to the
// protocol's lane-by-lane defaults (measured 3–7× slower).

/// acc + a·b: one fused multiply-add where the build has FMA (Haswell and later, arm64), else a
/// multiply and an add (`addingProduct` would be a libm call per lane on baseline x86-64).
@inline(__always)
func madd(_ acc: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
    #if KERNELS_FMA || arch(arm64)
    acc.addingProduct(a, b)
    #else
    acc + a * b
    #endif
}

@inline(__always)
func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always)
func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

/// The epilogue of a vector of sums: act(acc · scale + bias), or act(acc) when the sum started
/// from the bias (`scale` nil). `ch` indexes the channel of the first lane.
@inline(__always)
func finish(_ acc: Lanes, ch: Int, scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                     relu: Bool) -> Lanes {
    var acc = acc
    if let scale { acc = madd(bias.map { load($0 + ch) } ?? Lanes(), acc, load(scale + ch)) }
    if relu { acc.replace(with: Lanes(), where: acc .< Lanes()) }
    return acc
}

/// `finish` for one channel `ch` (the channels past the last full vector).
@inline(__always)
func finish(_ acc: Float, ch: Int, scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, relu: Bool) -> Float {
    var acc = acc
    if let scale { acc = acc * scale[ch] + (bias?[ch] ?? 0) }
    return relu ? max(acc, 0) : acc
}
