package keyserver

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// The request and response bodies are JSON objects. Byte strings are
// standard base64 (encoding/json's []byte), peer identifiers are 64
// lower-case hex digits, piece indices are numbers. Decoders refuse unknown
// fields, trailing data and identifiers that are not canonical.

// MaxBatch bounds the piece indices of one upload-key or re-key request.
const MaxBatch = 1024

// TorrentResponse answers GET /v1/torrent.
type TorrentResponse struct {
	Torrent    []byte `json:"torrent"`     // reencrypt.Torrent.MarshalBinary
	LicenceKey []byte `json:"licence_key"` // the tracker's ed25519 licence key
	SeedID     string `json:"seed_id"`     // the original seed's identity
}

// SubscribeRequest is the body of POST /v1/subscribe.
type SubscribeRequest struct {
	PublicKey []byte `json:"public_key"` // elgamal.PublicKey.MarshalBinary
	Proof     []byte `json:"proof"`      // reencrypt.Peer.ProveKey over SubscribeContext
}

// SubscribeResponse answers POST /v1/subscribe.
type SubscribeResponse struct {
	PeerID string `json:"peer_id"`
}

// KeysRequest is the body of POST /v1/upload-keys and POST /v1/rekeys: keys
// for the downloader To, one per piece index.
type KeysRequest struct {
	To      string   `json:"to"`
	Indices []uint32 `json:"indices"`
}

// KeysResponse answers POST /v1/upload-keys and /v1/rekeys: the encoded
// keys (reencrypt.UploadKey or reencrypt.ReKey MarshalBinary), in the
// order of the request's indices.
type KeysResponse struct {
	Keys [][]byte `json:"keys"`
}

// LicenceResponse answers POST /v1/licence.
type LicenceResponse struct {
	Licence []byte `json:"licence"` // reencrypt.Licence.MarshalBinary
}

// HashesResponse answers GET /v1/expected-hashes: 32 bytes per piece.
type HashesResponse struct {
	Hashes []byte `json:"hashes"`
}

type errorResponse struct {
	Code  string `json:"code"`
	Error string `json:"error"`
}

// decodeJSON decodes exactly one JSON value of type T from body, refusing
// unknown fields and trailing data.
func decodeJSON[T any](body []byte) (*T, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	v := new(T)
	if err := dec.Decode(v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrMalformed)
	}
	return v, nil
}

// parsePeerID decodes a canonical (lower-case) hex peer identifier.
func parsePeerID(s string) (reencrypt.PeerID, error) {
	var id reencrypt.PeerID
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(id) || hex.EncodeToString(b) != s {
		return id, fmt.Errorf("%w: peer id must be %d lower-case hex digits", ErrMalformed, 2*len(id))
	}
	copy(id[:], b)
	return id, nil
}

// decodeKeysRequest decodes and checks a KeysRequest.
func decodeKeysRequest(body []byte) (reencrypt.PeerID, []uint32, error) {
	req, err := decodeJSON[KeysRequest](body)
	if err != nil {
		return reencrypt.PeerID{}, nil, err
	}
	to, err := parsePeerID(req.To)
	if err != nil {
		return to, nil, err
	}
	if len(req.Indices) == 0 || len(req.Indices) > MaxBatch {
		return to, nil, fmt.Errorf("%w: %d piece indices (want 1 to %d)", ErrMalformed, len(req.Indices), MaxBatch)
	}
	return to, req.Indices, nil
}

func hexID(id reencrypt.PeerID) string { return hex.EncodeToString(id[:]) }
