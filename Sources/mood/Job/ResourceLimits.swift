import Foundation

/// The limits an analysis child puts on itself before it reads any input (setrlimit(2)): address
/// space (RLIMIT_AS: a memory blow-up fails an allocation instead of swapping the host), CPU time
/// (RLIMIT_CPU: SIGXCPU at the limit, SIGKILL a second later) and no core file. What the child
/// runs (ffmpeg) inherits them.
struct ResourceLimits: Sendable, Equatable {
    var addressSpaceBytes: Int
    var cpuSeconds: Int

    func apply() throws {
        try Self.set(RLIMIT_AS, "RLIMIT_AS", soft: addressSpaceBytes, hard: addressSpaceBytes)
        try Self.set(RLIMIT_CPU, "RLIMIT_CPU", soft: cpuSeconds, hard: cpuSeconds + 1)
        try Self.set(RLIMIT_CORE, "RLIMIT_CORE", soft: 0, hard: 0)
    }

    private static func set(_ resource: __rlimit_resource, _ name: String, soft: Int, hard: Int) throws {
        var limit = rlimit(rlim_cur: rlim_t(max(0, soft)), rlim_max: rlim_t(max(0, hard)))
        guard setrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0 else {
            throw MoodError("cannot set \(name) to \(soft): \(String(cString: strerror(errno)))")
        }
    }
}
