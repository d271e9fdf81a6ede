// FoveaServe: model pool, batching scheduler, routes, metrics and admin API.
