"""scripts/check-deploy's checks, as a pytest package: one test module per kind of check."""
