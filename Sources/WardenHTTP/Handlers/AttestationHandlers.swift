import Foundation
import OpenAPIRuntime
import WardenCore
import WardenStore

extension WardenAPI {
    func createAttestation(_ input: Operations.CreateAttestation.Input) async throws -> Operations.CreateAttestation.Output {
        let cluster = try Self.cluster(input.path.cluster)
        var requested: Int64?
        if case .json(let body) = input.body { requested = body.snapshotId }
        guard let ring = context.keyRing else {
            throw Problem(
                status: .serviceUnavailable, slug: "no-signing-key", title: "No signing key",
                detail: "this server has no attestation signing key; set WARDEN_SIGNING_KEY or WARDEN_SIGNING_KEY_FILE")
        }
        let record: SnapshotRecord
        if let requested {
            record = try await snapshots.get(id: requested)
            guard record.cluster == cluster else {
                throw Problem.validation(ValidationError(pointer: "/snapshotId", detail: "snapshot \(requested) is of cluster \(record.cluster), not \(cluster)"))
            }
        } else {
            guard let latest = try await snapshots.latest(cluster: cluster) else {
                throw Problem.conflict("cluster \(cluster) has no snapshot yet; POST one to /v1/clusters/\(cluster)/snapshots first")
            }
            record = latest
        }
        let input = try await attestationInput(cluster: cluster, snapshot: record)
        let scope = RequestScope.current
        let stored = try await attestations.create(cluster: cluster, snapshot: record, context: scope.changeContext) { id, now in
            var input = input
            input.generatedAt = now
            return try Self.signedReport(input, id: id, ring: ring)
        }
        return .created(.init(headers: .init(location: "/v1/attestations/\(stored.id)"), body: .json(Self.schema(stored))))
    }

    /// Everything the builder needs about the cluster's registered agents, in a few queries.
    func attestationInput(cluster: String, snapshot record: SnapshotRecord) async throws -> AttestationInput {
        let entry = try await snapshotCache.entry(id: record.id)
        var registered: [Agent] = []
        var after: Int64 = 0
        while true {
            let page = try await agents.list(AgentStore.Filter(cluster: cluster), afterID: after, limit: 500)
            registered += page.filter { $0.fields.status != .retired }
            guard page.count == 500, let last = page.last else { break }
            after = last.id
        }
        let ids = registered.map(\.id)
        let approved = try await baselines.current(agentIDs: ids)
        let exceptions = try await exceptionStore.list(agentIDs: ids)
        let reviewRecords = try await reviews.reviewRecords(agentIDs: ids)
        let policy = try await reviews.policy()
        let now = clock.now()
        let agentInputs = registered.map { agent in
            let reviewRecord = reviewRecords[agent.id]
            let standing = ReviewSchedule.standing(
                nextReviewDue: agent.fields.nextReviewDue, openReviewDue: reviewRecord?.openReviewDue, now: now, policy: policy)
            return AttestationAgentInput(
                agent: agent, baseline: approved[agent.id]?.baseline, exceptions: (exceptions[agent.id] ?? []).map(Self.domain),
                review: AgentReviewState(
                    standing: standing, nextReviewDue: reviewRecord?.openReviewDue ?? agent.fields.nextReviewDue,
                    lastReviewedAt: reviewRecord?.lastDecidedAt, lastDecision: reviewRecord?.lastDecision?.rawValue,
                    openReviewID: reviewRecord?.openReviewID))
        }
        return AttestationInput(
            cluster: cluster,
            snapshotRef: AttestationSnapshotRef(
                id: record.id, sha256: String(record.digest.dropFirst("sha256:".count)), uploadedAt: record.createdAt, cluster: cluster),
            snapshot: entry.snapshot, authorizer: entry.authorizer, agents: agentInputs, generatedAt: now,
            wardenVersion: WardenVersion.string)
    }

    /// Builds the report, and signs an in-toto statement naming its digest, for the reserved id.
    static func signedReport(_ input: AttestationInput, id: Int64, ring: AttestationKeyRing) throws -> AttestationStore.Signed {
        let report = AttestationBuilder.build(input)
        let bytes = try report.canonicalJSON()
        let predicate = AttestationPredicate(
            verdict: report.verdict.status.rawValue, generatedAt: report.generatedAt, reportId: id, cluster: input.cluster,
            reportCanonicalJSON: bytes,
            baselines: input.agents.compactMap { a in
                a.baseline.map { .init(agentId: a.agent.id, version: $0.version, digest: $0.digest) }
            },
            snapshot: .init(id: input.snapshotRef.id, uploadedAt: input.snapshotRef.uploadedAt))
        let statement = InTotoStatement(predicate: predicate, snapshotSHA256Hex: input.snapshotRef.sha256)
        let envelope = try ring.sign(statement: statement)
        let summary = AttestationStore.Summary(
            verdict: report.verdict.status.rawValue, reasons: report.verdict.reasons.map(\.text),
            findings: [
                "critical": report.summary.findings.critical, "high": report.summary.findings.high,
                "medium": report.summary.findings.medium, "low": report.summary.findings.low, "info": report.summary.findings.info,
            ],
            agents: report.summary.agents, nonCompliantAgents: report.summary.nonCompliantAgents)
        return AttestationStore.Signed(
            report: bytes, reportDigest: "sha256:" + SHA256Digest.hex(bytes), summary: summary, envelope: try envelope.jsonBytes(),
            keyid: ring.signingKey.keyid)
    }

    func listAttestations(_ input: Operations.ListAttestations.Input) async throws -> Operations.ListAttestations.Output {
        let limit = try Cursor.limit(input.query.limit)
        let before = try Cursor.decode(input.query.cursor)
        let page = try await attestations.list(cluster: input.query.cluster, beforeID: before, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func getAttestation(_ input: Operations.GetAttestation.Input) async throws -> Operations.GetAttestation.Output {
        let (_, bytes) = try await attestations.report(id: input.path.attestationId)
        let format = Self.attestationFormat(input.headers.accept)
        if format == .json {
            RawResponse.send(bytes)
            return .ok(.init(body: .json(.init())))
        }
        let report: AttestationReport
        do {
            report = try CanonicalJSON.decode(AttestationReport.self, from: bytes)
        } catch {
            throw StoreError.corruptRow("attestation \(input.path.attestationId) no longer decodes: \(error)")
        }
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
    static func attestationFormat(_ accept: [AcceptHeaderContentType<Operations.GetAttestation.AcceptableContentType>])
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
        let bytes = try await attestations.envelope(id: input.path.attestationId)
        RawResponse.send(bytes)
        return .ok(.init(body: .json(.init(payload: "", payloadType: "", signatures: []))))
    }

    func diffAttestations(_ input: Operations.DiffAttestations.Input) async throws -> Operations.DiffAttestations.Output {
        let (newer, newBytes) = try await attestations.report(id: input.path.attestationId)
        let (older, oldBytes) = try await attestations.report(id: input.query.against)
        guard newer.cluster == older.cluster else {
            throw Problem.invalidParameter("against", "report \(older.id) is of cluster \(older.cluster), not \(newer.cluster)")
        }
        let from = try CanonicalJSON.decode(AttestationReport.self, from: oldBytes)
        let to = try CanonicalJSON.decode(AttestationReport.self, from: newBytes)
        RawResponse.send(try CanonicalJSON.encode(AttestationDiff.diff(from: from, to: to)))
        return .ok(.init(body: .json(.init())))
    }

    func verifyAttestation(_ input: Operations.VerifyAttestation.Input) async throws -> Operations.VerifyAttestation.Output {
        guard let ring = context.keyRing else {
            throw Problem(
                status: .serviceUnavailable, slug: "no-signing-key", title: "No signing key",
                detail: "this server publishes no attestation keys to verify against")
        }
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        // Verification works on the envelope's own JSON; re-encoding the decoded body keeps its values exactly.
        let json = try JSONEncoder().encode(body)
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope.decode(json: Array(json))
        } catch {
            throw Problem.validation(ValidationError(pointer: "", detail: error.message))
        }
        let result = ring.verify(envelope: envelope)
        var matches: Bool?
        if let predicate = result.statement?.predicate {
            if let stored = try? await attestations.get(id: predicate.reportId) {
                matches = stored.reportDigest == "sha256:" + (predicate.reportDigest["sha256"] ?? "")
            } else {
                matches = false
            }
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        verified: result.verified, keyid: result.keyid, keyStatus: result.keyStatus.flatMap { .init(rawValue: $0.rawValue) },
                        reason: result.reason, predicateType: result.statement?.predicateType,
                        subject: result.statement?.subject.map { .init(name: $0.name, digest: .init(additionalProperties: $0.digest)) },
                        verdict: result.statement?.predicate.verdict, reportId: result.statement?.predicate.reportId,
                        reportDigest: result.statement?.predicate.reportDigest["sha256"].map { "sha256:" + $0 },
                        matchesStoredReport: matches))))
    }

    func listAttestationKeys(_ input: Operations.ListAttestationKeys.Input) async throws -> Operations.ListAttestationKeys.Output {
        let keys = context.keyRing?.publishedKeys ?? []
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: keys.map {
                            .init(keyid: $0.keyid, algorithm: .ed25519, status: $0.status == .active ? .active : .retired, pem: $0.pem, hex: $0.hex)
                        }))))
    }

    static func schema(_ record: AttestationStore.Record) -> Components.Schemas.Attestation {
        let f = record.summary.findings
        return .init(
            id: record.id, cluster: record.cluster, snapshotId: record.snapshotID, snapshotDigest: record.snapshotDigest,
            verdict: record.summary.verdict == "compliant" ? .compliant : .nonCompliant, reasons: record.summary.reasons,
            findings: .init(critical: f["critical"] ?? 0, high: f["high"] ?? 0, medium: f["medium"] ?? 0, low: f["low"] ?? 0, info: f["info"] ?? 0),
            agents: record.summary.agents, nonCompliantAgents: record.summary.nonCompliantAgents, reportDigest: record.reportDigest,
            keyid: record.keyid, createdAt: record.createdAt, createdBy: record.createdBy)
    }
}
