import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sets the OpenMP thread count that Debian's oneDNN (built with the GNU
/// OpenMP runtime) uses for work started from the calling thread.
///
/// `omp_set_num_threads` affects only the calling thread's parallel regions,
/// and requests arrive on arbitrary Dispatch threads, so plans call this
/// right before executing. The symbol is looked up at run time because
/// libgomp is a dependency of libdnnl, not something we link ourselves.
enum OpenMPThreads {
    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias GetThreads = @convention(c) () -> Int32

    private static let setter: SetThreads? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return nil }
        return unsafeBitCast(symbol, to: SetThreads.self)
    }()

    private static let procs: GetThreads? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_num_procs") else { return nil }
        return unsafeBitCast(symbol, to: GetThreads.self)
    }()

    private typealias Region = @convention(c) (UnsafeMutableRawPointer?) -> Void
    private typealias StartParallel = @convention(c) (Region, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void

    /// Makes GNU OpenMP's idle threads sleep almost at once instead of
    /// spinning for milliseconds between parallel regions.
    ///
    /// Every oneDNN primitive is one parallel region, so a plan crosses dozens
    /// of barriers per image. By default libgomp spins ~300k iterations before
    /// sleeping; when other work competes for the cores (HTTP and decoding
    /// threads, other processes) the spinner steals the time of the thread
    /// that still has work, and latency multiplies (resnet18, 2 threads on 2
    /// loaded cores: 190 ms spinning, 50 ms not). The policy variables are
    /// read only when libgomp loads, before any Swift code runs, but libgomp
    /// documents that it spins only briefly (GOMP_SPINCOUNT: 100 iterations)
    /// while it manages more threads than there are CPUs. A team started
    /// once on a parked thread keeps that condition true for the process.
    /// A user who set OMP_WAIT_POLICY or GOMP_SPINCOUNT keeps their choice;
    /// the `fovea` command sets GOMP_SPINCOUNT itself (a short spin, faster
    /// for small models), so this is the policy of other programs embedding
    /// the engine.
    static let idleSpinningLimited: Bool = {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OMP_WAIT_POLICY"] == nil, environment["GOMP_SPINCOUNT"] == nil,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "GOMP_parallel") else { return false }
        let startParallel = unsafeBitCast(symbol, to: StartParallel.self)
        let teamSize = UInt32(availableCores)
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            nameCurrentThread("fovea-omp-park")
            startParallel({ _ in }, nil, teamSize, 0)
            started.signal()
            // The team's threads count only while their master thread lives.
            while true { sleep(UInt32.max) }
        }
        thread.start()
        started.wait()
        return true
    }()

    /// Names the thread for `ps -L`/`top -H`; glibc's setter is looked up at
    /// run time as Swift's Glibc module does not import GNU extensions.
    private static func nameCurrentThread(_ name: String) {
        typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return }
        _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), name)
    }

    static func setForCurrentThread(_ count: Int) {
        setter?(Int32(count))
    }

    /// Cores available to this process (honours CPU affinity).
    static var availableCores: Int {
        if let procs { return max(1, Int(procs())) }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
