import Synchronization

/// The loaded models and which one is active.
///
/// Every change is a single swap of this small state under a mutex: a request
/// resolves its model once and keeps that reference, so swapping the active
/// model never affects requests already accepted, and a model that fails to
/// load never touches the pool at all (it is only added once warm).
public final class ModelPool: Sendable {
    private struct State {
        var models: [String: ServedModel] = [:]
        /// Load order, for stable listings.
        var order: [String] = []
        var active: String?

        var roles: [String: Bool] { Dictionary(uniqueKeysWithValues: order.map { ($0, $0 == active) }) }
    }

    private let state = Mutex(State())
    private let metrics: ServiceMetrics?

    public init(metrics: ServiceMetrics? = nil) {
        self.metrics = metrics
    }

    /// The model named `name`, or the active one when `name` is nil.
    public func model(named name: String?) throws(ModelPoolError) -> ServedModel {
        try state.withLock { state throws(ModelPoolError) in
            guard let name = name ?? state.active else { throw .noModels }
            guard let model = state.models[name] else {
                throw .unknownModel(name: name, available: state.order)
            }
            return model
        }
    }

    public var activeModelName: String? { state.withLock { $0.active } }

    /// Loaded models in load order.
    public var models: [ServedModel] {
        state.withLock { state in state.order.compactMap { state.models[$0] } }
    }

    /// Adds a warmed-up model; the first model added becomes active.
    public func add(_ model: ServedModel, activate: Bool = false) throws(ModelPoolError) {
        try change { state throws(ModelPoolError) in
            guard state.models[model.name] == nil else { throw .alreadyLoaded(name: model.name) }
            state.models[model.name] = model
            state.order.append(model.name)
            if activate || state.active == nil { state.active = model.name }
        }
    }

    /// Makes `name` the model of requests that name none. Returns the
    /// previously active model's name.
    @discardableResult
    public func activate(_ name: String) throws(ModelPoolError) -> String? {
        let previous = try change { state throws(ModelPoolError) -> String? in
            guard state.models[name] != nil else { throw .unknownModel(name: name, available: state.order) }
            let previous = state.active
            state.active = name
            return previous
        }
        if previous != name { metrics?.modelSwapped() }
        return previous
    }

    /// Removes a model that is not active, then waits for the requests it had
    /// accepted; new requests for it get 404 from the moment it is removed.
    public func remove(_ name: String) async throws(ModelPoolError) {
        let removed = try change { state throws(ModelPoolError) -> ServedModel in
            guard let model = state.models[name] else { throw .unknownModel(name: name, available: state.order) }
            guard state.active != name else { throw .activeModelCannotBeRemoved(name: name) }
            state.models[name] = nil
            state.order.removeAll { $0 == name }
            return model
        }
        await removed.drain()
    }

    /// Drains every model, for shutdown.
    public func drainAll() async {
        for model in models { await model.drain() }
    }

    private func change<Result>(_ body: (inout State) throws(ModelPoolError) -> Result) throws(ModelPoolError) -> Result {
        let (result, before, after) = try state.withLock { state throws(ModelPoolError) in
            let before = state.roles
            let result = try body(&state)
            return (result, before, state.roles)
        }
        if before != after { metrics?.modelsChanged(from: before, to: after) }
        return result
    }
}
