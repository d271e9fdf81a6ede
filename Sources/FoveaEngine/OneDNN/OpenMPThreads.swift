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

    static func setForCurrentThread(_ count: Int) {
        setter?(Int32(count))
    }

    /// Cores available to this process (honours CPU affinity).
    static var availableCores: Int {
        if let procs { return max(1, Int(procs())) }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
