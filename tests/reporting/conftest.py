from tests.registration.conftest import empty_queue, registry_file  # noqa: F401  (fixtures)
