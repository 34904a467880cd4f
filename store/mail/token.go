package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// An unsubscribe token names one campaign member (a message sent to one
// address) and is signed, so that the public link needs no login and
// nobody can make one for someone else: "<id in base 36>.<signature>",
// the signature the first 16 bytes of HMAC-SHA256(key, "unsubscribe:<id>")
// in unpadded base64url.

const tokenSigLen = 16

func tokenSig(key []byte, id int64) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("unsubscribe:" + strconv.FormatInt(id, 10)))
	return h.Sum(nil)[:tokenSigLen]
}

// Token is the unsubscribe token of member id.
func Token(key []byte, id int64) string {
	return strconv.FormatInt(id, 36) + "." + base64.RawURLEncoding.EncodeToString(tokenSig(key, id))
}

// ParseToken is the member id a token names, when its signature is right.
func ParseToken(key []byte, token string) (int64, bool) {
	idPart, sigPart, ok := strings.Cut(token, ".")
	if !ok || idPart == "" || len(idPart) > 13 || len(sigPart) != base64.RawURLEncoding.EncodedLen(tokenSigLen) {
		return 0, false
	}
	for _, r := range idPart {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z') {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(idPart, 36, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(sigPart)
	if err != nil || !hmac.Equal(sig, tokenSig(key, id)) {
		return 0, false
	}
	return id, true
}
