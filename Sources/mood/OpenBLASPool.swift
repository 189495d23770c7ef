#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS's pthread build (Debian's `libopenblas0-pthread`) starts a thread pool in its library
/// constructor, before `mood` runs; its idle thread spins on sched_yield until it times out,
/// ~0.1 s of CPU per process (BENCHMARKS.md, cold start). YAMNet runs OpenBLAS single-threaded
/// (`BLASThreads.set(1)`: the engine splits GEMMs itself), so the pool is stopped once its weights
/// load, with OpenBLAS's own `blas_thread_shutdown_` (exported: its fork handler). A build without
/// the symbol (a serial OpenBLAS) has no pool and nothing is done. Afterwards OpenBLAS runs on the
/// caller's thread only, whatever `openblas_set_num_threads` says.
enum OpenBLASPool {
    private static let stopOnce: Void = {
        #if canImport(Glibc)
        // RTLD_DEFAULT: the process's global scope, where libopenblas.so.0 is.
        guard let symbol = dlsym(nil, "blas_thread_shutdown_") else { return }
        unsafeBitCast(symbol, to: (@convention(c) () -> Void).self)()
        #endif
    }()

    static func stop() { _ = stopOnce }
}
