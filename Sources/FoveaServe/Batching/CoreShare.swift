/// Which of a model's cores one batch may use.
///
/// Several instances of a model, one thread each, never wait at an OpenMP
/// barrier for a thread that the hypervisor or a decoding thread preempted,
/// which on a shared 2-core VM was worth 1.0–1.2× the images per second under
/// load (BENCHMARKS.md, "Core sharing"); but a lone request would get one
/// core and take twice as long. So a batch that starts with nothing else
/// admitted and no other batch running gets every core, and batches that
/// start with company each get their instance's share.
public enum CoreShare: Sendable, Equatable {
    /// This instance's share: the model's cores divided among its instances.
    case instanceShare
    /// Every core of the model; no other instance runs meanwhile.
    case all
}
