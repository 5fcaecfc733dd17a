// Command go-sealed-secrets opens and seals values in the sealed-secrets controller's format with Go's own crypto, run
// by the tests as an oracle that shares no code with the library: crypto/rsa's EncryptOAEP and DecryptOAEP (SHA-256,
// the scope as the OAEP label) for the 32-byte session key, and crypto/cipher's AES-256-GCM with an all-zero nonce for
// the payload. The sealed bytes are laid out as the controller reads them:
//
//	uint16 big-endian length of the RSA part || RSA part || AES-GCM ciphertext and tag
//
// It is written for these tests from that format (sealed-secrets' docs and its crypto package were read, not copied)
// and needs only the standard library (no modules, no network). The certificate is read as kubeseal reads it: the first
// CERTIFICATE block, an RSA key; a PUBLIC KEY block is taken too.
//
// Input on stdin: {"batch": [request, ...]}, each request one of
//
//	{"op": "open", "privateKey": "<pkcs#8 or pkcs#1 pem>", "label": "ns/name", "sealed": "<base64>"}
//	{"op": "seal", "certificate": "<pem>", "label": "ns/name", "plaintext": "<base64>", "random": "<base64>"}
//
// stdout is a JSON array of {"out": "<base64>"} or {"error": "..."}, one per request. "random" stands in for
// crypto/rand, read in the order kubeseal reads it: the session key first, then EncryptOAEP's seed; a seal that does not
// read all of it exactly is an error.
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

const (
	sessionKeyBytes = 32
)

// errShort: the sealed bytes end before the RSA part they announce.
var errShort = errors.New("sealed value too short")

// gcmWithZeroNonce returns AES-256-GCM under a one-time key and the all-zero nonce the format uses with it.
func gcmWithZeroNonce(key []byte) (cipher.AEAD, []byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	return gcm, make([]byte, gcm.NonceSize()), nil
}

// seal draws the session key and then the OAEP seed from random, in that order.
func seal(random io.Reader, pub *rsa.PublicKey, plaintext, label []byte) ([]byte, error) {
	key := make([]byte, sessionKeyBytes)
	if _, err := io.ReadFull(random, key); err != nil {
		return nil, err
	}
	wrapped, err := rsa.EncryptOAEP(sha256.New(), random, pub, key, label)
	if err != nil {
		return nil, err
	}
	gcm, nonce, err := gcmWithZeroNonce(key)
	if err != nil {
		return nil, err
	}
	out := binary.BigEndian.AppendUint16(nil, uint16(len(wrapped)))
	out = append(out, wrapped...)
	return gcm.Seal(out, nonce, plaintext, nil), nil
}

// open reverses seal with the controller's private key.
func open(priv *rsa.PrivateKey, sealed, label []byte) ([]byte, error) {
	if len(sealed) < 2 {
		return nil, errShort
	}
	n := int(binary.BigEndian.Uint16(sealed[:2]))
	if len(sealed)-2 < n {
		return nil, errShort
	}
	key, err := rsa.DecryptOAEP(sha256.New(), nil, priv, sealed[2:2+n], label)
	if err != nil {
		return nil, err
	}
	gcm, nonce, err := gcmWithZeroNonce(key)
	if err != nil {
		return nil, err
	}
	return gcm.Open(nil, nonce, sealed[2+n:], nil)
}

type request struct {
	Op          string `json:"op"`
	PrivateKey  string `json:"privateKey"`
	Certificate string `json:"certificate"`
	Label       string `json:"label"`
	Sealed      string `json:"sealed"`
	Plaintext   string `json:"plaintext"`
	Random      string `json:"random"`
}

type result struct {
	Out   *string `json:"out,omitempty"`
	Error string  `json:"error,omitempty"`
}

func privateKey(text string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("no pem block in the private key")
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("the private key is not rsa")
	}
	return rsaKey, nil
}

func publicKey(text string) (*rsa.PublicKey, error) {
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no CERTIFICATE block")
		}
		if block.Type == "PUBLIC KEY" {
			// not read by kubeseal; lets a test seal to a key of any size without making a certificate
			key, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, err
			}
			rsaKey, ok := key.(*rsa.PublicKey)
			if !ok {
				return nil, fmt.Errorf("expected RSA public key but found %T", key)
			}
			return rsaKey, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		key, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("expected RSA public key but found %T", cert.PublicKey)
		}
		return key, nil
	}
}

func run(r request) ([]byte, error) {
	label := []byte(r.Label)
	switch r.Op {
	case "open":
		key, err := privateKey(r.PrivateKey)
		if err != nil {
			return nil, err
		}
		sealed, err := base64.StdEncoding.Strict().DecodeString(r.Sealed)
		if err != nil {
			return nil, fmt.Errorf("sealed value is not standard base64: %v", err)
		}
		return open(key, sealed, label)
	case "seal":
		key, err := publicKey(r.Certificate)
		if err != nil {
			return nil, err
		}
		plaintext, err := base64.StdEncoding.DecodeString(r.Plaintext)
		if err != nil {
			return nil, err
		}
		random, err := base64.StdEncoding.DecodeString(r.Random)
		if err != nil {
			return nil, err
		}
		reader := bytes.NewReader(random)
		out, err := seal(reader, key, plaintext, label)
		if err != nil {
			return nil, err
		}
		if reader.Len() != 0 {
			return nil, fmt.Errorf("seal read %d of the %d random bytes", len(random)-reader.Len(), len(random))
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unknown op %q", r.Op)
	}
}

func main() {
	var input struct {
		Batch []request `json:"batch"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&input); err != nil {
		fmt.Fprintln(os.Stderr, "bad input:", err)
		os.Exit(2)
	}
	results := make([]result, len(input.Batch))
	for i, r := range input.Batch {
		out, err := run(r)
		if err != nil {
			results[i].Error = err.Error()
			continue
		}
		text := base64.StdEncoding.EncodeToString(out)
		results[i].Out = &text
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "cannot write:", err)
		os.Exit(2)
	}
}
