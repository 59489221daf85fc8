import Foundation
import Logging
import OpenAPIRuntime
import Prometheus
import WardenApp
import WardenCore
import WardenStore

/// Implements the operations generated from openapi.yaml. Each handler translates: it decodes the
/// contract's input, calls one use case of `app`, and maps the result (or the error, through
/// `ProblemMapping`) back to the contract's output. Rules live in WardenCore, SQL in WardenStore.
///
/// A class, not a struct: the generated routes copy their handler for every request, and copying a
/// reference is one retain.
final class WardenAPI: APIProtocol {
    let app: Warden
    let readiness: ReadinessProbe
    let metrics: PrometheusCollectorRegistry
    let logger: Logger

    init(app: Warden, readiness: ReadinessProbe, metrics: PrometheusCollectorRegistry, logger: Logger) {
        self.app = app
        self.readiness = readiness
        self.metrics = metrics
        self.logger = logger
    }

    var now: Date { app.clock.now() }
}
