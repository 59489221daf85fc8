import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func createAttestation(_ input: Operations.CreateAttestation.Input) async throws -> Operations.CreateAttestation.Output {
        let cluster = try Self.cluster(input.path.cluster)
        var requested: Int64?
        if case .json(let body) = input.body { requested = body.snapshotId }
        let stored = try await app.attestations.issue(cluster: cluster, snapshotID: requested, context: RequestScope.current.changeContext)
        return .created(.init(headers: .init(location: "/v1/attestations/\(stored.id)"), body: .json(Self.schema(stored))))
    }

    func listAttestations(_ input: Operations.ListAttestations.Input) async throws -> Operations.ListAttestations.Output {
        let limit = try Cursor.limit(input.query.limit)
        let before = try Cursor.decode(input.query.cursor)
        let page = try await app.attestations.list(cluster: input.query.cluster, beforeID: before, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func getAttestation(_ input: Operations.GetAttestation.Input) async throws -> Operations.GetAttestation.Output {
        let format = Self.attestationFormat(input.headers.accept)
        if format == .json {
            RawResponse.send(try await app.attestations.reportBytes(id: input.path.attestationId))
            return .ok(.init(body: .json(.init())))
        }
        let report = try await app.attestations.report(id: input.path.attestationId)
        switch format {
        case .html: return .ok(.init(body: .html(HTTPBody(AttestationHTML.render(report)))))
        case .textMarkdown: return .ok(.init(body: .textMarkdown(HTTPBody(AttestationMarkdown.render(report)))))
        case .csv: return .ok(.init(body: .csv(HTTPBody(AttestationCSV.render(report)))))
        case .applicationSarifJson:
            RawResponse.send(Array(AttestationSARIF.render(report).utf8))
            return .ok(.init(body: .applicationSarifJson(.init())))
        case .json, .applicationProblemJson, .other: preconditionFailure("handled above")
        }
    }

    /// The best of the formats the client accepts, by quality, JSON winning ties.
    static func attestationFormat(
        _ accept: [AcceptHeaderContentType<Operations.GetAttestation.AcceptableContentType>]
    )
        -> Operations.GetAttestation.AcceptableContentType
    {
        let order: [Operations.GetAttestation.AcceptableContentType] = [.json, .html, .textMarkdown, .csv, .applicationSarifJson]
        var best: (Operations.GetAttestation.AcceptableContentType, Double)?
        for type in order {
            guard let quality = accept.filter({ $0.contentType == type }).map(\.quality.doubleValue).max(), quality > 0 else { continue }
            if best == nil || quality > best!.1 { best = (type, quality) }
        }
        return best?.0 ?? .json
    }

    func getAttestationEnvelope(_ input: Operations.GetAttestationEnvelope.Input) async throws -> Operations.GetAttestationEnvelope.Output {
        let bytes = try await app.attestations.envelope(id: input.path.attestationId)
        RawResponse.send(bytes)
        return .ok(.init(body: .json(.init(payload: "", payloadType: "", signatures: []))))
    }

    func diffAttestations(_ input: Operations.DiffAttestations.Input) async throws -> Operations.DiffAttestations.Output {
        let diff = try await app.attestations.diff(id: input.path.attestationId, against: input.query.against)
        RawResponse.send(try CanonicalJSON.encode(diff))
        return .ok(.init(body: .json(.init())))
    }

    func verifyAttestation(_ input: Operations.VerifyAttestation.Input) async throws -> Operations.VerifyAttestation.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        // Verification works on the envelope's own JSON; re-encoding the decoded body keeps its values exactly.
        let json = try JSONEncoder().encode(body)
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope.decode(json: Array(json))
        } catch {
            throw Problem.validation(ValidationError(pointer: "", detail: error.message))
        }
        let (result, matches) = try await app.attestations.verify(envelope)
        return .ok(
            .init(
                body: .json(
                    .init(
                        verified: result.verified,
                        keyid: result.keyid,
                        keyStatus: result.keyStatus.flatMap { .init(rawValue: $0.rawValue) },
                        reason: result.reason,
                        predicateType: result.statement?.predicateType,
                        subject: result.statement?.subject.map { .init(name: $0.name, digest: .init(additionalProperties: $0.digest)) },
                        verdict: result.statement?.predicate.verdict,
                        reportId: result.statement?.predicate.reportId,
                        reportDigest: result.statement?.predicate.reportDigest["sha256"].map { "sha256:" + $0 },
                        matchesStoredReport: matches
                    )
                )
            )
        )
    }

    func listAttestationKeys(_ input: Operations.ListAttestationKeys.Input) async throws -> Operations.ListAttestationKeys.Output {
        let keys = app.attestations.publishedKeys
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: keys.map {
                            .init(keyid: $0.keyid, algorithm: .ed25519, status: $0.status == .active ? .active : .retired, pem: $0.pem, hex: $0.hex)
                        }
                    )
                )
            )
        )
    }

    static func schema(_ record: AttestationRecord) -> Components.Schemas.Attestation {
        let overview = record.overview
        let f = overview.findings
        return .init(
            id: record.id,
            cluster: record.cluster,
            snapshotId: record.snapshotID,
            snapshotDigest: record.snapshotDigest,
            verdict: overview.verdict == .compliant ? .compliant : .nonCompliant,
            reasons: overview.reasons,
            findings: .init(critical: f.critical, high: f.high, medium: f.medium, low: f.low, info: f.info),
            agents: overview.agents,
            nonCompliantAgents: overview.nonCompliantAgents,
            reportDigest: record.reportDigest,
            keyid: record.keyid,
            createdAt: record.createdAt,
            createdBy: record.createdBy
        )
    }
}
