import pytest

from bekal.core import crypto


def test_encrypted_text_is_unreadable_and_decrypts_back():
    token = crypto.encrypt("3201011508950001")

    assert "3201011508950001" not in token
    assert crypto.decrypt(token) == "3201011508950001"


def test_a_rotated_key_still_reads_old_values_and_rotation_moves_them_to_the_new_key(settings):
    settings.BEKAL_PII_KEYS = ["old-key"]
    old = crypto.encrypt("3201011508950001")

    settings.BEKAL_PII_KEYS = ["new-key", "old-key"]
    assert crypto.decrypt(old) == "3201011508950001"
    rotated = crypto.rotate(old)

    settings.BEKAL_PII_KEYS = ["new-key"]
    assert crypto.decrypt(rotated) == "3201011508950001"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old)


def test_the_blind_index_is_stable_per_purpose_and_differs_between_purposes():
    nik = crypto.blind_index("3201011508950001", purpose="nik")

    assert nik == crypto.blind_index("3201011508950001", purpose="nik")
    assert nik != crypto.blind_index("3201011508950001", purpose="kk")
    assert "3201011508950001" not in nik


def test_the_blind_index_depends_on_the_secret_key(settings):
    before = crypto.blind_index("3201011508950001", purpose="nik")
    settings.BEKAL_BLIND_INDEX_KEY = "another-key"

    assert crypto.blind_index("3201011508950001", purpose="nik") != before
