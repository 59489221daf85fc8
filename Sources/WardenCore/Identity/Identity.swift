import Foundation

/// The form of a principal's name that four-eyes rules compare, so that `Admin`, `ADMIN`,
/// `Ａｄｍｉｎ` (full width) and `admin` with a zero-width space in it are one person.
///
/// Default-ignorable code points (zero-width spaces and joiners, bidi marks) are dropped, the
/// rest is NFKC-normalised and case-folded (full folding: `Straße` is `strasse`), and surrounding
/// whitespace is trimmed and inner runs of it become one space. Look-alike letters of other
/// scripts (Cyrillic `а` for Latin `a`) stay distinct: that needs Unicode's confusables data.
public struct IdentityKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    public init(_ name: String) {
        func visible(_ text: String) -> String {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: text.unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint })
            return String(scalars)
        }
        let folded = visible(name).precomposedStringWithCompatibilityMapping.folding(options: .caseInsensitive, locale: nil)
        let normal = visible(folded).precomposedStringWithCompatibilityMapping
        value = normal.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    public var description: String { value }

    public static func < (lhs: IdentityKey, rhs: IdentityKey) -> Bool { lhs.value < rhs.value }
}

/// Who did something, as recorded: the principal's name, and the token it acted through
/// (nil for the command line and the scheduler, and for acts recorded before tokens were).
public struct Attribution: Sendable, Hashable {
    public var name: String
    public var tokenID: Int64?

    public init(name: String, tokenID: Int64?) {
        self.name = name
        self.tokenID = tokenID
    }
}

/// Everyone who may have acted through one token: the person it is named for, and every
/// principal up the chain of tokens that created it. Whoever creates a token is shown its
/// secret, so a token counts as its creator too, and as its creator's creator.
public struct Identity: Sendable, Hashable {
    /// The name the act was recorded under.
    public var name: String
    /// The names of the tokens that created this one, nearest first.
    public var creators: [String]

    public init(name: String, creators: [String] = []) {
        self.name = name
        self.creators = creators
    }

    /// Why two identities may be one person.
    public enum SamePerson: Sendable, Hashable {
        /// The two names are equal once normalised and case-folded.
        case sameName(String, String)
        /// The token `token` acted through was created by `creator`, directly or (`via`, nearest
        /// first) through tokens `creator` created.
        case createdBy(token: String, creator: String, via: [String] = [])
        /// Both tokens were created, directly or through other tokens, by `creator`.
        case commonCreator(String)
    }

    /// Whether one person could have acted as both `self` and `other`, and why.
    public func samePerson(as other: Identity) -> SamePerson? {
        let mine = IdentityKey(name)
        let theirs = IdentityKey(other.name)
        if mine == theirs { return .sameName(name, other.name) }
        if let depth = other.creators.firstIndex(where: { IdentityKey($0) == mine }) {
            return .createdBy(token: other.name, creator: name, via: Array(other.creators[..<depth]))
        }
        if let depth = creators.firstIndex(where: { IdentityKey($0) == theirs }) {
            return .createdBy(token: name, creator: other.name, via: Array(creators[..<depth]))
        }
        let otherCreators = Set(other.creators.map(IdentityKey.init))
        if let shared = creators.first(where: { otherCreators.contains(IdentityKey($0)) }) { return .commonCreator(shared) }
        return nil
    }

    /// Whether this identity may be the person called `name` (an agent's owner, say).
    public func samePerson(asNamed name: String) -> SamePerson? {
        samePerson(as: Identity(name: name))
    }
}

extension Identity.SamePerson: CustomStringConvertible {
    /// Which rule made them one person, for a problem's detail.
    public var description: String {
        switch self {
        case .sameName(let a, let b) where a == b: "the names are the same"
        case .sameName(let a, let b): "'\(a)' and '\(b)' are the same name once Unicode-normalised and case-folded"
        case .createdBy(let token, let creator, let via) where via.isEmpty:
            "the token of '\(token)' was created by '\(creator)', who saw its secret, so it counts as '\(creator)'"
        case .createdBy(let token, let creator, let via):
            "the token of '\(token)' was created by '\(creator)' through the \(via.count == 1 ? "token" : "tokens") of \(via.map { "'\($0)'" }.joined(separator: ", ")), so it counts as '\(creator)'"
        case .commonCreator(let creator): "both tokens were created by '\(creator)', or by tokens '\(creator)' created, so both count as '\(creator)'"
        }
    }
}

/// For each token, the names of the tokens that created it, nearest first: what the store reads
/// (the `created_by_token_id` chain) for the identities a decision compares.
public struct TokenLineage: Sendable, Equatable {
    public var creators: [Int64: [String]]

    public init(creators: [Int64: [String]] = [:]) {
        self.creators = creators
    }

    public func identity(of attribution: Attribution) -> Identity {
        Identity(name: attribution.name, creators: attribution.tokenID.flatMap { creators[$0] } ?? [])
    }
}

/// Token names are people: among tokens in use, no two people share a name once normalised.
public enum TokenNameRules {
    public enum Refusal: Error, Sendable, Equatable {
        /// `existing` (token `tokenID`, in use) has the same name as `name` once normalised, and
        /// the creator is neither that person nor the maker of that token.
        case taken(name: String, existing: String, tokenID: Int64)
    }

    /// Creating a token called `name` by `creator` (nil: the command line, whose operator vouches
    /// for who is who, and may issue a person a second token to rotate the first), given the
    /// tokens neither revoked nor expired and their lineage. A principal may create tokens in its
    /// own name, and another under the name of a token it made (directly or through its tokens),
    /// to rotate a job's token: that gives it nothing it did not hold already.
    public static func check(
        name: String,
        creator: String?,
        active: [(id: Int64, name: String)],
        lineage: TokenLineage
    ) throws(Refusal) {
        guard let creator else { return }
        let key = IdentityKey(name)
        let maker = IdentityKey(creator)
        if maker == key { return }
        for clash in active where IdentityKey(clash.name) == key {
            guard (lineage.creators[clash.id] ?? []).contains(where: { IdentityKey($0) == maker }) else {
                throw .taken(name: name, existing: clash.name, tokenID: clash.id)
            }
        }
    }
}
