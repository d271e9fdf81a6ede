/// Which of a model's cores one run may use.
///
/// Several instances of a model, one thread each, never wait at an OpenMP
/// barrier for a thread that the hypervisor or a decoding thread preempted,
/// which on a shared 2-core VM was worth 1.0–1.2× the images per second under
/// load (BENCHMARKS.md, "Core sharing"); but a lone request would get one
/// core and take twice as long. So a lone request with no other batch running
/// gets every core; everything else runs on its instance's share, a batch
/// with nothing behind it split across the idle instances (`BatchScheduler`).
public enum CoreShare: Sendable, Equatable {
    /// This instance's share: the model's cores divided among its instances.
    case instanceShare
    /// Every core of the model; no other instance runs meanwhile.
    case all
}
