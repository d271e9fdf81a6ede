import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gives GNU OpenMP a short idle spin before the process starts.
///
/// oneDNN runs every primitive as an OpenMP parallel region. libgomp's
/// default spins ~300 000 iterations before an idle thread sleeps, which
/// steals the cores from decoding under load; the engine therefore parks a
/// team that makes libgomp spin only 100 (see `OpenMPThreads`). But then
/// every primitive starts by waking a sleeping thread, and on a VM that
/// costs tens of microseconds per primitive: mobilenet_v2 at batch 1 took
/// 8.5–10 ms instead of 5–5.5 ms. 3000 iterations bridge the gap between
/// consecutive primitives and still sleep soon after an inference ends
/// (BENCHMARKS.md, "OpenMP idle spinning": batch-1 latency of the small
/// models down a third, concurrency 16 unchanged).
///
/// libgomp reads its variables once, when it is loaded with oneDNN, before
/// any Swift code runs; so the command sets the variable and executes
/// itself again, once. A user who set OMP_WAIT_POLICY or GOMP_SPINCOUNT
/// keeps their choice.
enum OpenMPSpinning {
    static let iterations = "3000"

    static func applyDefault() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OMP_WAIT_POLICY"] == nil, environment["GOMP_SPINCOUNT"] == nil else { return }
        setenv("GOMP_SPINCOUNT", iterations, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        // Returns only on failure; the command then runs with libgomp's
        // defaults, which is slower but correct.
        _ = execv("/proc/self/exe", arguments)
    }
}
