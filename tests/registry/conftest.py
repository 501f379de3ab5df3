from tests.ecert.platform import mounted  # noqa: F401
