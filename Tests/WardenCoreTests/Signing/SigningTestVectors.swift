@testable import WardenCore

/// Fixed keys for the signing tests. TEST KEYS ONLY: the private keys here are public.
///
/// The PEM blocks were made once with OpenSSL 3.0 (`openssl genpkey -algorithm ed25519`,
/// `openssl pkey -pubout`, and likewise for RSA 1024, EC P-256, X25519 and Ed448). The keyids
/// were computed by securesystemslib 1.6.0 in Python:
/// `SSlibKey.from_crypto(load_pem_public_key(pem)).keyid`.
enum SigningTestVectors {
    static let edPrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEICwmpoLssAfFLw6PGSoYXcWHBiCaGpuOyPgc90YtR6lY
        -----END PRIVATE KEY-----

        """
    static let edPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAHpay/EdoFZMMCvwNyoeMUqLdy6GMQ3kUpV0ccw6UInM=
        -----END PUBLIC KEY-----

        """
    /// `openssl pkey -in ed.pem -text -noout`
    static let edSeedHex = "2c26a682ecb007c52f0e8f192a185dc58706209a1a9b8ec8f81cf7462d47a958"
    static let edPublicHex = "1e96b2fc476815930c0afc0dca878c52a2ddcba18c437914a55d1c730e942273"
    /// securesystemslib 1.6.0.
    static let edKeyID = "5fbb2f82131734ca211aa0d0ca07e49b9c664f0e226317671c8d4639aaba6265"

    static let ed2PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIEJbR7Iwc41CftlwjIJkYdzMGZ9W+o/bCa044RAP90Wt
        -----END PRIVATE KEY-----

        """
    static let ed2PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAEttF+GJcyeh7prxA8sEGmrUkBZe+jPMAsjfDdnPs6cQ=
        -----END PUBLIC KEY-----

        """
    static let ed2PublicHex = "12db45f8625cc9e87ba6bc40f2c1069ab5240597be8cf300b237c37673ece9c4"
    /// securesystemslib 1.6.0.
    static let ed2KeyID = "0d27626957f7197a34ecba39ef8f575b51119720472109edb0767443fc84a636"

    /// RFC 8032 section 7.1 TEST 1, also key "A" of the DSSE test vectors.
    static let rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let rfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    /// securesystemslib 1.6.0.
    static let rfc8032KeyID = "74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916"

    static let rsaPrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAOY9b/DzfN9m3wPg
        jhyUJ9kJ23uPHZf65XM7ZnwBZZsaiftKOOqWNokHiuUDITq9rayeCxO6g0REq1Bw
        3A13sY2Nq7mcImkttMJRCsRrAkGtkT9Lq+otwhV2vir/ByIUtPQBMDBeGWZwD5Po
        gKxF/ugfSbh13+3QNKhrbnihWkLJAgMBAAECgYEAqqdfEXloVS4qnvUSYJxv7K8h
        v7OUe9G7wG2GyONALHa/T0L0bOxp/6dXi+eF+cQdtpRuIXFdWnyLflQoxtKxBpLF
        qz6nO+5ZNA+uWu+iz3q9JuBkobWKxu2biV/fjYxr9dRmBT01ib6XH5btsM2L7r+2
        FY+FnCdxt9jFd22ghwECQQD3PzA7jNScUPwWyFpN/KyL0t3nzg5pc+NCZpz9TMWO
        /LZ/dLgPExWKnvXaXIgsIDki5BNWqWhtDMAckDtjwjorAkEA7mQdbEq7Pff/sCDM
        cVrrqJdqV1OPZvrntFQ6uKiVSrqW4rlPphJr8RJbB6mqXa54nxyt3J/cgcaarVKE
        edeA2wJBAM63rBH9+zz+kOZTeP0/RtxY32OR6obMd7Pqq1M0vvB/5e3GnqUr5ZTS
        tuds+gU6o8rCOlD4rvCN+olnJeCQYaUCQEDbT/30Xvi/Dfs3ESgN2mtltnLHsw4L
        WRqAh/FRPDy2gvJwBDFkdaWCnu14xXbzTrHLNan+fBl6lP5uosgbT10CQFhlvcQi
        2faH+AVnle5k/8KGTwv9zxc7Vy8vWsOH/cr5vO2QpLz1VBaZ2MpqCDVdZWriMGbg
        JkoGBcn0sXMEsEM=
        -----END PRIVATE KEY-----
        """
    /// `openssl rsa -traditional`, body cut short: the label alone decides.
    static let rsaTraditionalPEM =
        "-----BEGIN RSA PRIVATE KEY-----\nMIICXQIBAAKBgQDmPW/w83zfZt8D4I4clCfZCdt7jx2X+uVzO2Z8AWWbGon7Sjjq\n-----END RSA PRIVATE KEY-----\n"
    static let rsaPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDmPW/w83zfZt8D4I4clCfZCdt7
        jx2X+uVzO2Z8AWWbGon7SjjqljaJB4rlAyE6va2sngsTuoNERKtQcNwNd7GNjau5
        nCJpLbTCUQrEawJBrZE/S6vqLcIVdr4q/wciFLT0ATAwXhlmcA+T6ICsRf7oH0m4
        dd/t0DSoa254oVpCyQIDAQAB
        -----END PUBLIC KEY-----
        """
    static let ecPrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgd4uSbXrV0KZSP/g5
        QJovqRxSg+DZSz5CLAqmNbA/rYWhRANCAARG9gep+CTiQ3Qk4jmWRI6MtbncRXgh
        or3maNr2lrjo9G5GRR/RI4fZU0qFhRGzNnh506k8WPcDJAZasilSU+kE
        -----END PRIVATE KEY-----
        """
    static let ecTraditionalPEM = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIHeLkm161dCmUj/4OUCaL6kcUoPg2Us+QiwKpjWwP62FoAoGCCqGSM49
        AwEHoUQDQgAERvYHqfgk4kN0JOI5lkSOjLW53EV4IaK95mja9pa46PRuRkUf0SOH
        2VNKhYURszZ4edOpPFj3AyQGWrIpUlPpBA==
        -----END EC PRIVATE KEY-----
        """
    static let ecPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERvYHqfgk4kN0JOI5lkSOjLW53EV4
        IaK95mja9pa46PRuRkUf0SOH2VNKhYURszZ4edOpPFj3AyQGWrIpUlPpBA==
        -----END PUBLIC KEY-----
        """
    static let x25519PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VuBCIEIKiLYGqwFy/erxl6q/3fU0UPLz7lDhNNLxlb+UXat6BL
        -----END PRIVATE KEY-----
        """
    static let x25519PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VuAyEAJQk7WpyLPJ90YfrJzb174PRUu/y9gZ3KbtLog6Wi31I=
        -----END PUBLIC KEY-----
        """
    static let ed448PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MEMwBQYDK2VxAzoAeHv5iX+xUi8QH86WXFzblwJ1hbwHr/OfKC2yLC/lf7R4Y9SW
        Dw1U/HVM1A+dB/IV+S4zxGDFQFuA
        -----END PUBLIC KEY-----
        """
    /// `openssl pkcs8 -topk8 -in ed.pem -passout pass:secret`
    static let edEncryptedPEM = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAja0rTyFtwuRAICCAAw
        DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEJXaXWGPVr7CzgP4p3lz78gEQC9D
        ot+rCsgERAZBKQ4r1/XkUXUGOEKXI8QvJkX/TNyaHYMW3nYxVHhX+XFqqvEr+TJk
        tVRNJazNxIv0TzMKJ9Q=
        -----END ENCRYPTED PRIVATE KEY-----
        """

    /// An envelope signed by securesystemslib 1.6.0 (`CryptoSigner` with the key in
    /// `edPrivatePEM`, `Envelope.sign`, `json.dumps(envelope.to_dict())`) over a statement Warden wrote.
    static let securesystemslibEnvelope =
        #"{"payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYmFzZWxpbmVzIjpbeyJhZ2VudElkIjoxLCJkaWdlc3QiOiJzaGEyNTY6OGJhODQ5NmEyNTI1YWUxNzFmZmQxMDRkNjMyZGVkZTZlZjQxOGQ5Yjk1OTYyYTlkODhlMmZjZGJjOGQ0OGQyNCIsInZlcnNpb24iOjF9XSwiY2x1c3RlciI6InByb2QiLCJnZW5lcmF0ZWRBdCI6IjIwMjYtMTEtMjhUMDE6MTg6NTMuMDI0WiIsInJlcG9ydERpZ2VzdCI6eyJzaGEyNTYiOiJmNWQ2Zjk4YjIyZDM0NmEzMmIwYmU2OGUyNTYxYjE3OTEzZmY2NGU5YjE1YTdjMWUxMmY0MWI3YzY5N2FlMWFjIn0sInJlcG9ydElkIjoxLCJzbmFwc2hvdCI6eyJpZCI6MSwidXBsb2FkZWRBdCI6IjIwMjYtMTEtMjhUMDE6MTg6NTMuMDI1WiJ9LCJ2ZXJkaWN0IjoicGFzcyIsIndhcmRlbiI6eyJ2ZXJzaW9uIjoiMC4xLjAifX0sInByZWRpY2F0ZVR5cGUiOiJodHRwczovL3dhcmRlbi5kZXYvYXR0ZXN0YXRpb24vcmVwb3J0L3YxIiwic3ViamVjdCI6W3siZGlnZXN0Ijp7InNoYTI1NiI6ImYwYjM0MzAzYmEzZTNkNjZmMmFiNDM1NTYzMGYxOTY5YjcxZWM0NDk3MjY2MDBlYjQ1YTI1OTliY2E2YzljNGMifSwibmFtZSI6InNuYXBzaG90L3Byb2QvMSJ9XX0=", "payloadType": "application/vnd.in-toto+json", "signatures": [{"keyid": "5fbb2f82131734ca211aa0d0ca07e49b9c664f0e226317671c8d4639aaba6265", "sig": "gx0Wus2OSbXPA2/NTbXybzhpMaMR+/zKm4URQYZIFMInnP2LOupRrCN8CDfz06waIfh2umka7lSARLy1FxliCA=="}]}"#
}
