package websub

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"strings"
)

// Why a notification was rejected.
var (
	ErrUnsigned     = errors.New("notification not signed")
	ErrBadSignature = errors.New("notification signature does not match")
	ErrUnknownAlgo  = errors.New("notification signed with an unknown method")
)

// signers are the X-Hub-Signature methods of WebSub §8.
var signers = map[string]func() hash.Hash{
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// Verify checks an X-Hub-Signature value ("method=hex") against the HMAC of
// body under secret, in constant time.
func Verify(signature, secret string, body []byte) error {
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return ErrUnsigned
	}
	method, sum, ok := strings.Cut(signature, "=")
	newHash, known := signers[strings.ToLower(method)]
	if !ok || !known {
		return ErrUnknownAlgo
	}
	want, err := hex.DecodeString(sum)
	if err != nil {
		return ErrBadSignature
	}
	mac := hmac.New(newHash, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), want) {
		return ErrBadSignature
	}
	return nil
}

// Sign is the X-Hub-Signature value a hub sends for body: what a test hub
// needs, and what Verify accepts.
func Sign(method, secret string, body []byte) string {
	newHash, ok := signers[method]
	if !ok {
		newHash, method = sha256.New, "sha256"
	}
	mac := hmac.New(newHash, []byte(secret))
	mac.Write(body)
	return method + "=" + hex.EncodeToString(mac.Sum(nil))
}
