"""Personal data encrypted at rest (GB/T 39786: SM4 for confidentiality, SM3 for integrity), and keyed hashes.

A stored value reads `gk1:<cipher>:<key id>:<base64 of nonce, ciphertext and tag>`:

- `sm4` (default): SM4-CTR with a random 16-byte IV per value, then HMAC-SM3 over the header, IV and
  ciphertext (encrypt-then-MAC), so a changed byte or a wrong key is refused, never decrypted into garbage;
- `aesgcm` (GONGKAI_DATA_CIPHER=aes-gcm): AES-256-GCM with a random 12-byte nonce, the header as associated data.

The key id is a fingerprint of the master key (GONGKAI_DATA_KEY), so a value names the key that sealed it and
`gongkai keys rotate` can re-encrypt everything under a new key while the old one is given as
GONGKAI_DATA_KEY_OLD. Sub-keys for encryption, authentication and look-up hashes are derived with HKDF-SM3,
so no key is used for two purposes.
"""

from __future__ import annotations

import base64
import binascii
import hmac as std_hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

PREFIX = "gk1"
SM4 = "sm4"
AES_GCM = "aesgcm"
CIPHERS = {"sm4": SM4, "aes-gcm": AES_GCM}
_VALUE = re.compile(r"^gk1:(sm4|aesgcm):([0-9a-f]{8}):([A-Za-z0-9_-]+)$")


class DataKeyError(ImproperlyConfigured):
    """The data key is missing, malformed or not the one a stored value was sealed with."""


def parse_key(text: str, name: str = "GONGKAI_DATA_KEY") -> bytes:
    """A key given as hex (32 or 64 digits) or base64 (16 or 32 bytes); DataKeyError otherwise."""
    text = (text or "").strip()
    raw = None
    if re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{64}", text):
        raw = bytes.fromhex(text)
    else:
        try:
            raw = base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4),
                                   validate=True)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) not in (16, 32):
        raise DataKeyError(f"{name} 格式不正确：应为 16 或 32 字节随机数的十六进制（32 或 64 位）或 base64 编码，"
                           "可用 gongkai keys new 生成。")
    return raw


def new_key() -> str:
    """A new random 256-bit data key, base64-encoded (what `gongkai keys new` prints)."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _derive(master: bytes, label: str, length: int) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=length, salt=b"gongkai-data-key", info=label.encode()).derive(master)


@dataclass(frozen=True)
class DataKey:
    """One master key and the sub-keys derived from it."""

    master: bytes

    @property
    def kid(self) -> str:
        return _kid(self.master)

    def enc_key(self, cipher: str) -> bytes:
        return _sub_key(self.master, f"enc:{cipher}", 16 if cipher == SM4 else 32)

    @property
    def mac_key(self) -> bytes:
        return _sub_key(self.master, "mac:sm3", 32)

    @property
    def lookup_key(self) -> bytes:
        return _sub_key(self.master, "lookup:sm3", 32)


@cache
def _kid(master: bytes) -> str:
    return _derive(master, "key-id", 4).hex()


@cache
def _sub_key(master: bytes, label: str, length: int) -> bytes:
    return _derive(master, label, length)


@dataclass(frozen=True)
class Keyring:
    """The current key (seals every new value) and an optional old one (still opens values during rotation)."""

    current: DataKey
    old: DataKey | None
    cipher: str

    def by_kid(self, kid: str) -> DataKey | None:
        for key in (self.current, self.old):
            if key is not None and key.kid == kid:
                return key
        return None


@cache
def _keyring(current: str, old: str, cipher: str) -> Keyring:
    if cipher not in CIPHERS:
        raise DataKeyError(f"GONGKAI_DATA_CIPHER 只能是 {' 或 '.join(CIPHERS)}：{cipher}")
    return Keyring(DataKey(parse_key(current)), DataKey(parse_key(old, "GONGKAI_DATA_KEY_OLD")) if old else None,
                   CIPHERS[cipher])


def keyring() -> Keyring:
    """The keys from the settings (cached per value, so a test that overrides them gets its own)."""
    from django.conf import settings

    if not settings.GONGKAI_DATA_KEY:
        raise DataKeyError("没有数据密钥：请设置 GONGKAI_DATA_KEY（gongkai keys new 可生成）。")
    return _keyring(settings.GONGKAI_DATA_KEY, settings.GONGKAI_DATA_KEY_OLD or "",
                    settings.GONGKAI_DATA_CIPHER.strip().lower())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sm3_mac(key: bytes, *parts: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    for part in parts:
        mac.update(part)
    return mac.finalize()


def is_sealed(value: str) -> bool:
    return bool(value) and value.startswith(PREFIX + ":")


def encrypt(plaintext: str, ring: Keyring | None = None) -> str:
    """Seal `plaintext` under the current key with a fresh random IV; "" stays "" (nothing to hide)."""
    if plaintext == "":
        return ""
    ring = ring or keyring()
    key = ring.current
    header = f"{PREFIX}:{ring.cipher}:{key.kid}:".encode()
    data = plaintext.encode()
    if ring.cipher == SM4:
        iv = os.urandom(16)
        encryptor = Cipher(algorithms.SM4(key.enc_key(SM4)), modes.CTR(iv)).encryptor()
        body = encryptor.update(data) + encryptor.finalize()
        sealed = iv + body + _sm3_mac(key.mac_key, header, iv, body)
    else:
        nonce = os.urandom(12)
        sealed = nonce + AESGCM(key.enc_key(AES_GCM)).encrypt(nonce, data, header)
    return header.decode() + _b64(sealed)


def decrypt(value: str, ring: Keyring | None = None) -> str:
    """Open a sealed value; a value never sealed (written before encryption) comes back as it is.

    Raises DataKeyError when the value was sealed by a key not configured, or fails its integrity check."""
    if not is_sealed(value):
        return value
    match = _VALUE.match(value)
    if match is None:
        raise DataKeyError("加密数据格式已损坏，无法解密。")
    cipher, kid, body = match.groups()
    ring = ring or keyring()
    key = ring.by_kid(kid)
    if key is None:
        known = "、".join(k.kid for k in (ring.current, ring.old) if k)
        raise DataKeyError(f"数据由密钥 {kid} 加密，而配置的密钥是 {known}：请设置正确的 GONGKAI_DATA_KEY"
                           "（轮换期间把原密钥设为 GONGKAI_DATA_KEY_OLD）。")
    header = f"{PREFIX}:{cipher}:{kid}:".encode()
    try:
        sealed = _unb64(body)
    except (binascii.Error, ValueError):
        raise DataKeyError("加密数据格式已损坏，无法解密。") from None
    if cipher == SM4:
        if len(sealed) < 48:
            raise DataKeyError("加密数据格式已损坏，无法解密。")
        iv, data, tag = sealed[:16], sealed[16:-32], sealed[-32:]
        if not std_hmac.compare_digest(tag, _sm3_mac(key.mac_key, header, iv, data)):
            raise DataKeyError(f"加密数据的完整性校验失败（密钥 {kid}）：数据被改动或密钥不对。")
        decryptor = Cipher(algorithms.SM4(key.enc_key(SM4)), modes.CTR(iv)).decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
    else:
        try:
            plain = AESGCM(key.enc_key(AES_GCM)).decrypt(sealed[:12], sealed[12:], header)
        except InvalidTag:
            raise DataKeyError(f"加密数据的完整性校验失败（密钥 {kid}）：数据被改动或密钥不对。") from None
    return plain.decode()


def sealed_kid(value: str) -> str | None:
    """The key id a stored value was sealed with, or None for a value stored in plain text."""
    match = _VALUE.match(value or "")
    return match.group(2) if match else None


def lookup_hash(kind: str, value: str, ring: Keyring | None = None) -> str:
    """HMAC-SM3 of an already normalised value under the look-up key: equal values give equal hashes, so
    duplicates are found and look-ups made without storing or comparing the value itself; "" for "" ."""
    if not value:
        return ""
    ring = ring or keyring()
    return _sm3_mac(ring.current.lookup_key, f"{kind}:{value}".encode()).hex()


class EncryptedTextField(models.TextField):
    """Text sealed with `encrypt` in the database and plain in Python: services and templates see no change.

    Only `isnull` may be queried (a sealed value never equals another): look values up by their keyed hash."""

    def from_db_value(self, value, expression, connection):
        return value if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None else encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} 已加密存储，不能按“{lookup_name}”查询：请按其带密钥散列查询。")
        return super().get_lookup(lookup_name)


def encrypted_fields(model) -> list[str]:
    """Names of a model's encrypted fields."""
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
