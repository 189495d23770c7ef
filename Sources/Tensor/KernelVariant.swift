import Foundation
import KernelABI
import Kernels
import KernelsAVX2
import KernelsAVX512

/// Which build of the inner loops (`KernelTable`) this process runs: the widest one the CPU and the
/// operating system support, or the one `MOOD_KERNELS` names (baseline, avx2, avx512) when the
/// machine supports it (for side-by-side benchmarks and for ruling a variant out in the field).
/// Chosen once per process; `mood bench yamnet` prints it.
public enum KernelVariant: String, CaseIterable, Sendable {
    case baseline, avx2, avx512

    /// The variant every kernel call of this process uses.
    public static let active: KernelVariant = {
        let supported = supportedHere
        if let asked = ProcessInfo.processInfo.environment["MOOD_KERNELS"].flatMap(KernelVariant.init(rawValue:)),
           supported.contains(asked) { return asked }
        return supported.last ?? .baseline
    }()

    /// Variants this machine can run, narrowest first.
    public static let supportedHere: [KernelVariant] = supported(cpuFlags: cpuFlags())

    /// The variants a CPU with `flags` (as /proc/cpuinfo spells them) can run. AVX2 needs FMA too;
    /// AVX-512 needs F, BW, DQ and VL (what `-target-cpu skylake-avx512` emits). The kernel lists a
    /// flag only when the OS saves that register state (XSAVE), so listed means usable.
    public static func supported(cpuFlags flags: Set<String>) -> [KernelVariant] {
        #if arch(x86_64)
        var variants: [KernelVariant] = [.baseline]
        if flags.isSuperset(of: ["avx2", "fma"]) { variants.append(.avx2) }
        if variants.contains(.avx2), flags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl"]) {
            variants.append(.avx512)
        }
        return variants
        #else
        return [.baseline]
        #endif
    }

    /// The kernels of this variant.
    public var table: KernelTable {
        switch self {
        case .baseline: Kernels.kernelTable
        case .avx2: KernelsAVX2.kernelTable
        case .avx512: KernelsAVX512.kernelTable
        }
    }

    /// The CPU's feature flags: the "flags" line of /proc/cpuinfo on Linux; elsewhere none
    /// (baseline). ref: Linux arch/x86/kernel/cpu/proc.c
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}

/// The active variant's kernels.
let kernels = KernelVariant.active.table
