/// The version Warden reports in attestations and `--version`.
public enum WardenVersion {
    public static let string = "0.1.0"
}
