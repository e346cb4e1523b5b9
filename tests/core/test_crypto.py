"""Personal data sealed with SM4 (or AES-GCM) under GONGKAI_DATA_KEY: round trip, integrity, wrong keys, hashes."""

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import FieldError

from gongkai.core import crypto

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = "42" * 32  # hex works too


def ring(current=KEY_A, old="", cipher="sm4"):
    return crypto._keyring(current, old, cipher)


def test_sm4_matches_the_standard_test_vector():
    # GB/T 32907-2016 appendix A, example 1: the primitive under `sm4` really is SM4.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


@pytest.mark.parametrize("cipher", ["sm4", "aes-gcm"])
def test_round_trip_with_a_fresh_iv_and_the_key_id_in_front(cipher):
    r = ring(cipher=cipher)
    first, second = crypto.encrypt("110105194912310021", r), crypto.encrypt("110105194912310021", r)
    assert first != second  # a random IV per value: equal values do not look equal
    assert first.startswith(f"gk1:{crypto.CIPHERS[cipher]}:{r.current.kid}:")
    assert "110105" not in first
    assert crypto.decrypt(first, r) == crypto.decrypt(second, r) == "110105194912310021"
    assert crypto.encrypt("", r) == ""
    assert crypto.decrypt("written before encryption", r) == "written before encryption"


@pytest.mark.parametrize("cipher", ["sm4", "aes-gcm"])
def test_a_wrong_key_or_a_changed_byte_is_a_clear_error_not_garbage(cipher):
    sealed = crypto.encrypt("示例市东城区和平路1号", ring(cipher=cipher))
    with pytest.raises(crypto.DataKeyError, match=f"数据由密钥 {ring().current.kid} 加密"):
        crypto.decrypt(sealed, ring(current=KEY_B))
    head, body = sealed.rsplit(":", 1)
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(crypto.DataKeyError, match="完整性校验失败"):
        crypto.decrypt(f"{head}:{flipped}", ring(cipher=cipher))
    with pytest.raises(crypto.DataKeyError, match="格式已损坏"):
        crypto.decrypt("gk1:sm4:zzzz:abc", ring())


def test_the_old_key_still_opens_during_rotation():
    sealed = crypto.encrypt("13812345678", ring(current=KEY_A))
    assert crypto.decrypt(sealed, ring(current=KEY_B, old=KEY_A)) == "13812345678"
    assert crypto.sealed_kid(crypto.encrypt("x", ring(current=KEY_B, old=KEY_A))) == ring(current=KEY_B).current.kid


def test_keys_are_read_as_hex_or_base64_of_16_or_32_bytes():
    assert crypto.parse_key("00" * 16) == bytes(16)
    assert crypto.parse_key(crypto.new_key()) != crypto.parse_key(crypto.new_key())
    assert len(crypto.parse_key(crypto.new_key())) == 32
    for bad in ("", "short", "00" * 20, base64.b64encode(b"x" * 24).decode()):
        with pytest.raises(crypto.DataKeyError, match="GONGKAI_DATA_KEY 格式不正确"):
            crypto.parse_key(bad)
    with pytest.raises(crypto.DataKeyError, match="GONGKAI_DATA_CIPHER"):
        crypto._keyring(KEY_A, "", "des")


def test_lookup_hashes_are_keyed():
    assert crypto.lookup_hash("phone", "13812345678", ring()) == crypto.lookup_hash("phone", "13812345678", ring())
    assert crypto.lookup_hash("phone", "13812345678", ring()) != crypto.lookup_hash("phone", "13812345678",
                                                                                     ring(current=KEY_B))
    assert crypto.lookup_hash("phone", "13812345678", ring()) != crypto.lookup_hash("email", "13812345678", ring())
    assert crypto.lookup_hash("phone", "", ring()) == ""


def test_an_encrypted_field_cannot_be_compared_in_a_query(db):
    from gongkai.disclosure.models import Application

    with pytest.raises(FieldError, match="已加密存储"):
        list(Application.objects.filter(phone="13812345678"))
    assert not Application.objects.filter(phone__isnull=True).exists()
