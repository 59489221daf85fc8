import Foundation
import Logging
import OpenAPIRuntime
import Prometheus
import WardenCore
import WardenStore

/// Implements the operations generated from openapi.yaml. Handlers translate between the
/// contract's types and the domain and leave the rules to WardenCore and the SQL to WardenStore.
struct WardenAPI: APIProtocol {
    let tokens: TokenStore
    let tokenCache: TokenCache
    let agents: AgentStore
    let audit: AuditLog
    let snapshots: SnapshotStore
    let snapshotCache: SnapshotCache
    let bodyLimits: BodyLimits
    let baselines: BaselineStore
    let exceptionStore: ExceptionStore
    let reviews: ReviewStore
    let notifications: NotificationStore
    let attestations: AttestationStore
    let context: WardenContext
    let maxExceptionDays: Int
    let readiness: ReadinessProbe
    let metrics: PrometheusCollectorRegistry
    let clock: any WallClock
    let logger: Logger
}
