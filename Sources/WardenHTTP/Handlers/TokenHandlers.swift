import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func getWhoAmI(_ input: Operations.GetWhoAmI.Input) async throws -> Operations.GetWhoAmI.Output {
        let principal = try RequestScope.current.requiredPrincipal
        return .ok(.init(body: .json(Self.schema(try await app.access.get(id: principal.tokenID)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let request = try TokenRequest(
            name: body.name,
            role: TokenRole(rawValue: body.role.rawValue) ?? .auditor,
            clusters: body.clusters ?? [],
            expiresInDays: body.expiresInDays
        )
        let (secret, record) = try await app.access.issue(request, context: RequestScope.current.changeContext)
        return .created(
            .init(
                headers: .init(location: "/v1/tokens/\(record.id)"),
                body: .json(.init(token: secret.value, tokenInfo: Self.schema(record)))
            )
        )
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let limit = try Cursor.limit(input.query.limit)
        let before = try Cursor.decode(input.query.cursor)
        let page = try await app.access.list(beforeID: before, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let record = try await app.access.revoke(id: input.path.id, context: RequestScope.current.changeContext)
        return .ok(.init(body: .json(Self.schema(record))))
    }

    static func problem(_ refusal: TokenNameRules.Refusal) -> Problem {
        switch refusal {
        case .taken(let name, let existing, let tokenID):
            let same = name == existing ? "" : ", the same name as '\(name)' once Unicode-normalised and case-folded"
            return Problem(
                status: .conflict,
                slug: "name-taken",
                title: "The name belongs to someone else",
                detail:
                    "token \(tokenID), in use, is called '\(existing)'\(same); a token's name says which person it is, so only \(existing), or whoever made that token, may create another under it (or revoke token \(tokenID) first)"
            )
        }
    }

    static func schema(_ record: TokenRecord) -> Components.Schemas.Token {
        .init(
            id: record.id,
            name: record.name,
            role: .init(rawValue: record.role.rawValue)!,
            clusters: record.clusters,
            prefix: record.prefix,
            createdAt: record.createdAt,
            createdBy: record.createdBy,
            expiresAt: record.expiresAt,
            revokedAt: record.revokedAt,
            lastUsedAt: record.lastUsedAt
        )
    }
}
