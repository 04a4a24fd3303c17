package keyserver

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

const (
	// DefaultSkew is the default clock-skew window: a request is accepted
	// if its timestamp is within 30 seconds of the server's clock.
	DefaultSkew = 30 * time.Second
	// DefaultMaxNonces is the default bound of the replay cache: 2^16
	// requests of the seed and subscribers per two skew windows (about
	// 1,100 requests a second), and a quarter of that for other callers.
	DefaultMaxNonces = 1 << 16
	// DefaultMaxPeers is the default bound of the subscriptions a server
	// accepts.
	DefaultMaxPeers = 1 << 20
	// MaxBodySize bounds a request body: 64 KiB, enough for the largest
	// request (a subscription in modp2048, or MaxBatch indices).
	MaxBodySize = 64 << 10
	// maxURI bounds the request URI that is signed.
	maxURI = 1024
)

// SubscribeContext returns the context a subscriber's key proof
// ([reencrypt.Peer.ProveKey]) is bound to: the torrent and the caller's
// authentication key, so a proof cannot be replayed by another caller.
func SubscribeContext(t reencrypt.TorrentID, authKey ed25519.PublicKey) []byte {
	b := append([]byte("swarmblocks/keyserver subscribe v1\x00"), t[:]...)
	return append(b, authKey...)
}

// Config configures a [Server].
type Config struct {
	// Tracker is the published tracker whose role the server plays.
	Tracker *reencrypt.Tracker
	// SeedKey is the original seed's ed25519 public key: requests signed by
	// it act as the seed, the only caller given upload keys.
	SeedKey ed25519.PublicKey
	// Licence decides whether peer id may have a licence, and with which
	// usage policy (after a payment, say). An error refuses the licence
	// with 403 and the error's text. It is required.
	Licence func(ctx context.Context, id reencrypt.PeerID) (reencrypt.Policy, error)
	// Skew is the clock-skew window; 0 means DefaultSkew.
	Skew time.Duration
	// MaxNonces bounds the replay cache; 0 means DefaultMaxNonces.
	MaxNonces int
	// MaxPeers bounds the subscriptions; 0 means DefaultMaxPeers.
	MaxPeers int
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
}

// Server is the key server: an http.Handler that plays the tracker's role
// of [reencrypt] over HTTP. It is safe for concurrent use.
type Server struct {
	tr      *reencrypt.Tracker
	torrent *reencrypt.Torrent
	tbytes  []byte
	seedKey [ed25519.PublicKeySize]byte
	seedID  reencrypt.PeerID
	licence func(context.Context, reencrypt.PeerID) (reencrypt.Policy, error)
	skew    time.Duration
	now     func() time.Time
	replay  *replayCache
	maxPeer int
	mux     *http.ServeMux

	mu     sync.RWMutex
	byKey  map[[ed25519.PublicKeySize]byte]reencrypt.PeerID // authentication key → subscription
	byPeer map[reencrypt.PeerID][ed25519.PublicKeySize]byte
}

var _ http.Handler = (*Server)(nil)

// NewServer returns a key server for cfg. The tracker must be published.
func NewServer(cfg Config) (*Server, error) {
	switch {
	case cfg.Tracker == nil:
		return nil, errors.New("keyserver: nil tracker")
	case len(cfg.SeedKey) != ed25519.PublicKeySize:
		return nil, fmt.Errorf("keyserver: seed key of %d bytes", len(cfg.SeedKey))
	case cfg.Licence == nil:
		return nil, errors.New("keyserver: nil licence policy")
	case cfg.Skew < 0 || cfg.MaxNonces < 0 || cfg.MaxPeers < 0:
		return nil, errors.New("keyserver: negative skew, replay-cache or subscription bound")
	}
	tor := cfg.Tracker.Torrent()
	if tor == nil {
		return nil, fmt.Errorf("keyserver: %w", reencrypt.ErrNotPublished)
	}
	tb, err := tor.MarshalBinary()
	if err != nil {
		return nil, err
	}
	seedID, err := cfg.Tracker.SeedID()
	if err != nil {
		return nil, err
	}
	s := &Server{
		tr: cfg.Tracker, torrent: tor, tbytes: tb, seedID: seedID,
		licence: cfg.Licence, skew: cfg.Skew, now: cfg.Now,
		byKey:  make(map[[ed25519.PublicKeySize]byte]reencrypt.PeerID),
		byPeer: make(map[reencrypt.PeerID][ed25519.PublicKeySize]byte),
	}
	copy(s.seedKey[:], cfg.SeedKey)
	if s.skew == 0 {
		s.skew = DefaultSkew
	}
	if s.now == nil {
		s.now = time.Now
	}
	max := cfg.MaxNonces
	if max == 0 {
		max = DefaultMaxNonces
	}
	s.replay = newReplayCache(2*s.skew, max)
	s.maxPeer = cfg.MaxPeers
	if s.maxPeer == 0 {
		s.maxPeer = DefaultMaxPeers
	}
	s.mux = http.NewServeMux()
	s.handle("GET /v1/torrent", s.getTorrent)
	s.handle("POST /v1/subscribe", s.subscribe)
	s.handle("POST /v1/upload-keys", s.uploadKeys)
	s.handle("POST /v1/rekeys", s.rekeys)
	s.handle("POST /v1/licence", s.issueLicence)
	s.handle("GET /v1/expected-hashes", s.expectedHashes)
	return s, nil
}

// caller is an authenticated request.
type caller struct {
	key  [ed25519.PublicKeySize]byte
	body []byte
}

type handler func(ctx context.Context, c *caller) (any, error)

// handle registers h behind authentication.
func (s *Server) handle(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c, err := s.authenticate(w, r)
		if err != nil {
			writeError(w, err)
			return
		}
		resp, err := h(r.Context(), c)
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	})
}

// ServeHTTP serves the key server's endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.mux == nil {
		writeError(w, errors.New("keyserver: server not made by NewServer"))
		return
	}
	h, pattern := s.mux.Handler(r)
	if pattern == "" {
		// Tell a wrong method from a wrong path, in the server's own
		// error format.
		_, p := s.mux.Handler(&http.Request{Method: http.MethodGet, URL: r.URL, Host: r.Host})
		_, q := s.mux.Handler(&http.Request{Method: http.MethodPost, URL: r.URL, Host: r.Host})
		if p != "" || q != "" {
			writeError(w, fmt.Errorf("%w: %s %s", ErrMethod, r.Method, r.URL.Path))
		} else {
			writeError(w, fmt.Errorf("%w: %s", ErrNotFound, r.URL.Path))
		}
		return
	}
	h.ServeHTTP(w, r)
}

// authenticate reads the body (at most MaxBodySize bytes), checks the
// signature, the clock skew and the nonce, in that order: only a request
// whose signature verifies can enter the replay cache.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*caller, error) {
	uri := r.URL.RequestURI()
	if len(uri) > maxURI {
		return nil, fmt.Errorf("%w: request URI longer than %d bytes", ErrMalformed, maxURI)
	}
	a, err := parseAuth(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxBodySize)
		}
		return nil, fmt.Errorf("%w: reading body: %v", ErrMalformed, err)
	}
	if !ed25519.Verify(a.key[:], signedMessage(s.torrent.ID, r.Method, uri, body, a), a.sig[:]) {
		return nil, fmt.Errorf("%w: signature does not verify", ErrUnauthenticated)
	}
	now := s.now()
	if d := now.Sub(time.Unix(a.time, 0)); d > s.skew || d < -s.skew {
		return nil, fmt.Errorf("%w: timestamp %d is %v from the server's clock (window ±%v)", ErrStale, a.time, d.Round(time.Second), s.skew)
	}
	pool := strangers
	s.mu.RLock()
	if _, ok := s.byKey[a.key]; ok || a.key == s.seedKey {
		pool = members
	}
	s.mu.RUnlock()
	if err := s.replay.add(a, pool, now); err != nil {
		return nil, err
	}
	return &caller{key: a.key, body: body}, nil
}

func writeError(w http.ResponseWriter, err error) {
	code, status := classify(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		msg = "internal error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorResponse{Code: code, Error: msg})
}

// peerOf returns the subscription bound to the caller's key.
func (s *Server) peerOf(c *caller) (reencrypt.PeerID, error) {
	s.mu.RLock()
	id, ok := s.byKey[c.key]
	s.mu.RUnlock()
	if !ok {
		return id, fmt.Errorf("%w: caller is not subscribed", ErrForbidden)
	}
	return id, nil
}

// mapCore turns a reencrypt error into the key server's.
func mapCore(err error) error {
	switch {
	case errors.Is(err, reencrypt.ErrUnknownPeer):
		return fmt.Errorf("%w: %w", ErrUnknownPeer, err)
	case errors.Is(err, reencrypt.ErrForbidden):
		return fmt.Errorf("%w: %w", ErrForbidden, err)
	case errors.Is(err, reencrypt.ErrPieceRange), errors.Is(err, reencrypt.ErrSamePeer),
		errors.Is(err, reencrypt.ErrMalformed), errors.Is(err, reencrypt.ErrGroup),
		errors.Is(err, reencrypt.ErrBadSignature):
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return err
}

func emptyBody(c *caller) error {
	if len(c.body) != 0 {
		return fmt.Errorf("%w: this request takes no body", ErrMalformed)
	}
	return nil
}

func (s *Server) getTorrent(_ context.Context, c *caller) (any, error) {
	if err := emptyBody(c); err != nil {
		return nil, err
	}
	return &TorrentResponse{Torrent: s.tbytes, LicenceKey: s.tr.LicenceKey(), SeedID: hexID(s.seedID)}, nil
}

func (s *Server) subscribe(_ context.Context, c *caller) (any, error) {
	if c.key == s.seedKey {
		return nil, fmt.Errorf("%w: the original seed does not subscribe", ErrForbidden)
	}
	req, err := decodeJSON[SubscribeRequest](c.body)
	if err != nil {
		return nil, err
	}
	pk, err := elgamal.ParsePublicKey(s.tr.Group(), req.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %w", ErrMalformed, err)
	}
	if err := reencrypt.VerifyKeyProof(pk, req.Proof, SubscribeContext(s.torrent.ID, c.key[:])); err != nil {
		return nil, fmt.Errorf("%w: key proof: %w", ErrForbidden, err)
	}
	id := reencrypt.PeerIDOf(pk)
	s.mu.Lock()
	defer s.mu.Unlock()
	if bound, ok := s.byKey[c.key]; ok && bound != id {
		return nil, fmt.Errorf("%w: this authentication key subscribed %s", ErrConflict, hexID(bound))
	}
	if key, ok := s.byPeer[id]; ok && key != c.key {
		return nil, fmt.Errorf("%w: peer %s is subscribed under another authentication key", ErrConflict, hexID(id))
	}
	if _, ok := s.byPeer[id]; !ok && len(s.byPeer) >= s.maxPeer {
		return nil, fmt.Errorf("%w: %d subscriptions", ErrBusy, len(s.byPeer))
	}
	if _, err := s.tr.Subscribe(pk); err != nil {
		return nil, mapCore(err)
	}
	s.byKey[c.key] = id
	s.byPeer[id] = c.key
	return &SubscribeResponse{PeerID: hexID(id)}, nil
}

func (s *Server) uploadKeys(_ context.Context, c *caller) (any, error) {
	if c.key != s.seedKey {
		return nil, fmt.Errorf("%w: upload keys go to the original seed only", ErrForbidden)
	}
	to, indices, err := decodeKeysRequest(c.body)
	if err != nil {
		return nil, err
	}
	resp := &KeysResponse{Keys: make([][]byte, len(indices))}
	for n, i := range indices {
		k, err := s.tr.UploadKey(i, s.seedID, to)
		if err != nil {
			return nil, mapCore(err)
		}
		if resp.Keys[n], err = k.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func (s *Server) rekeys(_ context.Context, c *caller) (any, error) {
	from, err := s.peerOf(c)
	if err != nil {
		return nil, err
	}
	to, indices, err := decodeKeysRequest(c.body)
	if err != nil {
		return nil, err
	}
	resp := &KeysResponse{Keys: make([][]byte, len(indices))}
	for n, i := range indices {
		k, err := s.tr.ReKey(i, from, to)
		if err != nil {
			return nil, mapCore(err)
		}
		if resp.Keys[n], err = k.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func (s *Server) issueLicence(ctx context.Context, c *caller) (any, error) {
	id, err := s.peerOf(c)
	if err != nil {
		return nil, err
	}
	if err := emptyBody(c); err != nil {
		return nil, err
	}
	policy, err := s.licence(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%w: licence refused: %v", ErrForbidden, err)
	}
	l, err := s.tr.IssueLicence(id, policy)
	if err != nil {
		return nil, mapCore(err)
	}
	b, err := l.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &LicenceResponse{Licence: b}, nil
}

func (s *Server) expectedHashes(_ context.Context, c *caller) (any, error) {
	id, err := s.peerOf(c)
	if err != nil {
		return nil, err
	}
	if err := emptyBody(c); err != nil {
		return nil, err
	}
	h, err := s.tr.ExpectedHashes(id)
	if err != nil {
		return nil, mapCore(err)
	}
	out := make([]byte, 0, 32*len(h))
	for _, x := range h {
		out = append(out, x[:]...)
	}
	return &HashesResponse{Hashes: out}, nil
}
