package keyserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// fixture is a published tracker behind a key server on a 127.0.0.1 TLS
// listener, with the original seed's client.
type fixture struct {
	tr      *reencrypt.Tracker
	seed    *reencrypt.Seed
	torrent *reencrypt.Torrent
	plain   [][]byte
	srv     *Server
	ts      *httptest.Server
	seedC   *Client
	clock   atomic.Int64 // server clock offset, nanoseconds
	refuse  atomic.Bool  // Config.Licence refuses everyone
}

// newFixture makes the fixture; configure, if not nil, adjusts the
// server's configuration.
func newFixture(t testing.TB, configure func(*Config)) *fixture {
	t.Helper()
	f := &fixture{}
	var err error
	f.tr, err = reencrypt.NewTracker(elgamal.Default, nil)
	require.NoError(t, err)
	f.plain = [][]byte{[]byte("first piece of the film"), []byte("second piece"), []byte("third")}
	f.seed, f.torrent, err = f.tr.Publish(f.plain)
	require.NoError(t, err)
	seedPub, seedKey, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	cfg := Config{
		Tracker: f.tr,
		SeedKey: seedPub,
		Licence: func(_ context.Context, _ reencrypt.PeerID) (reencrypt.Policy, error) {
			if f.refuse.Load() {
				return reencrypt.Policy{}, errors.New("no payment on record")
			}
			return reencrypt.Policy{MaxPlays: 3}, nil
		},
		Now: func() time.Time { return time.Now().Add(time.Duration(f.clock.Load())) },
	}
	if configure != nil {
		configure(&cfg)
	}
	f.srv, err = NewServer(cfg)
	require.NoError(t, err)
	f.ts = httptest.NewTLSServer(f.srv)
	require.True(t, strings.HasPrefix(f.ts.URL, "https://127.0.0.1:"), f.ts.URL)
	t.Cleanup(f.ts.Close)
	f.seedC = f.client(t, seedKey)
	return f
}

// client returns a client signing with key (a fresh one if nil).
func (f *fixture) client(t testing.TB, key ed25519.PrivateKey) *Client {
	t.Helper()
	if key == nil {
		var err error
		_, key, err = ed25519.GenerateKey(nil)
		require.NoError(t, err)
	}
	hc := f.ts.Client()
	hc.Timeout = 10 * time.Second
	c, err := NewClient(f.ts.URL, f.torrent.ID, key, hc)
	require.NoError(t, err)
	return c
}

// peer makes a peer and its client, subscribed unless told otherwise.
func (f *fixture) peer(t testing.TB, subscribe bool) (*reencrypt.Peer, *Client) {
	t.Helper()
	c := f.client(t, nil)
	tor, err := c.Torrent(context.Background())
	require.NoError(t, err)
	p, err := reencrypt.NewPeer(tor, nil)
	require.NoError(t, err)
	if subscribe {
		id, err := c.Subscribe(context.Background(), p)
		require.NoError(t, err)
		require.Equal(t, p.ID(), id)
	}
	return p, c
}

// requireRefused checks that err is the server's refusal with sentinel
// want and HTTP status.
func requireRefused(t *testing.T, err error, want error, status int) {
	t.Helper()
	require.ErrorIs(t, err, want)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, status, e.Status)
}

// TestFlow runs Algorithms 1–3 over HTTP: the seed uploads to A with an
// upload key, A re-encrypts for B with a re-key, B buys a licence and
// decrypts; A, without a licence, cannot.
func TestFlow(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	a, ac := f.peer(t, true)
	b, bc := f.peer(t, true)
	for _, pc := range []struct {
		p *reencrypt.Peer
		c *Client
	}{{a, ac}, {b, bc}} {
		h, err := pc.c.ExpectedHashes(ctx)
		require.NoError(t, err)
		require.NoError(t, pc.p.SetExpectedHashes(h))
	}
	indices := []uint32{0, 1, 2}
	uks, err := f.seedC.UploadKeys(ctx, a.ID(), indices...)
	require.NoError(t, err)
	rks, err := ac.ReKeys(ctx, b.ID(), indices...)
	require.NoError(t, err)
	l, err := bc.Licence(ctx)
	require.NoError(t, err)
	require.Equal(t, b.ID(), l.Peer)
	require.Equal(t, uint32(3), l.Policy.MaxPlays)
	require.NoError(t, b.InstallLicence(l))
	for n, i := range indices {
		require.Equal(t, a.ID(), rks[n].From, "a re-key's uploader is its caller")
		c, err := f.seed.Capsule(uks[n])
		require.NoError(t, err)
		require.NoError(t, a.VerifyCapsule(c))
		cb, err := a.TransformCapsule(c, rks[n])
		require.NoError(t, err)
		require.NoError(t, b.VerifyCapsule(cb))
		body, err := f.seed.Body(i)
		require.NoError(t, err)
		pb, err := reencrypt.NewPiece(cb, body)
		require.NoError(t, err)
		pt, err := b.Decrypt(pb, time.Now())
		require.NoError(t, err)
		require.Equal(t, f.plain[i], pt)
		pa, err := reencrypt.NewPiece(c, body)
		require.NoError(t, err)
		_, err = a.Decrypt(pa, time.Now())
		require.ErrorIs(t, err, reencrypt.ErrNoLicence)
	}
}

// TestUploadKeyHole: a subscribed peer without a licence asks the key
// server for its own upload key — with which C − K = M_i opens its pieces —
// and is refused; so is any other caller but the seed.
func TestUploadKeyHole(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	mallory, mc := f.peer(t, true)
	other, _ := f.peer(t, true)
	peers := f.tr.Peers()
	for _, to := range []reencrypt.PeerID{mallory.ID(), other.ID(), f.seed.ID()} {
		_, err := mc.UploadKeys(ctx, to, 0)
		requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	}
	// An unsubscribed caller fares no better.
	_, stranger := f.peer(t, false)
	_, err := stranger.UploadKeys(ctx, mallory.ID(), 0)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	require.Equal(t, peers, f.tr.Peers())

	// The seed gets it; for an unsubscribed downloader it gets 404.
	_, err = f.seedC.UploadKeys(ctx, mallory.ID(), 0, 2)
	require.NoError(t, err)
	_, err = f.seedC.UploadKeys(ctx, reencrypt.PeerID{1}, 0)
	requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
	_, err = f.seedC.UploadKeys(ctx, mallory.ID(), 3)
	requireRefused(t, err, ErrMalformed, http.StatusBadRequest)
}

// TestReKeyRules: a re-key goes only to its uploader (from is the caller),
// only for a subscribed downloader other than the caller.
func TestReKeyRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	j, jc := f.peer(t, true)
	k, _ := f.peer(t, true)
	unsub, uc := f.peer(t, false)

	rk, err := jc.ReKeys(ctx, k.ID(), 1)
	require.NoError(t, err)
	require.Equal(t, j.ID(), rk[0].From)
	want, err := f.tr.ReKey(1, j.ID(), k.ID())
	require.NoError(t, err)
	wb, _ := want.MarshalBinary()
	gb, _ := rk[0].MarshalBinary()
	require.Equal(t, wb, gb)

	_, err = jc.ReKeys(ctx, unsub.ID(), 1)
	requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
	_, err = uc.ReKeys(ctx, k.ID(), 1)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	_, err = f.seedC.ReKeys(ctx, k.ID(), 1)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	_, err = jc.ReKeys(ctx, j.ID(), 1)
	requireRefused(t, err, ErrMalformed, http.StatusBadRequest)
	_, err = jc.ReKeys(ctx, k.ID(), 0, 99)
	requireRefused(t, err, ErrMalformed, http.StatusBadRequest)
}

// TestLicenceRules: a licence and expected hashes go only to the peer that
// subscribed, when the licence hook allows.
func TestLicenceRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	a, ac := f.peer(t, true)
	_, uc := f.peer(t, false)
	l, err := ac.Licence(ctx)
	require.NoError(t, err)
	require.Equal(t, a.ID(), l.Peer)
	require.NoError(t, a.InstallLicence(l))

	_, err = uc.Licence(ctx)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	_, err = uc.ExpectedHashes(ctx)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	_, err = f.seedC.Licence(ctx)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	f.refuse.Store(true)
	_, err = ac.Licence(ctx)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	require.Contains(t, err.Error(), "no payment on record")
}

// TestSubscribeRules: a subscription binds one ElGamal key to one
// authentication key, and needs a proof of the private key.
func TestSubscribeRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	a, ac := f.peer(t, true)
	id, err := ac.Subscribe(ctx, a)
	require.NoError(t, err, "subscribing again is harmless")
	require.Equal(t, a.ID(), id)

	// Mallory registers Alice's public key under her own authentication
	// key, reusing the proof Alice made for hers.
	mc := f.client(t, nil)
	pk, _ := a.PublicKey().MarshalBinary()
	proof, err := a.ProveKey(nil, SubscribeContext(f.torrent.ID, ac.PublicKey()))
	require.NoError(t, err)
	var resp SubscribeResponse
	err = mc.do(ctx, http.MethodPost, "/v1/subscribe", &SubscribeRequest{PublicKey: pk, Proof: proof}, &resp)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)

	// Alice's key, subscribed by Alice under a second authentication key.
	a2 := f.client(t, nil)
	_, err = a2.Subscribe(ctx, a)
	requireRefused(t, err, ErrConflict, http.StatusConflict)
	// Alice's authentication key, for a second peer.
	b, _ := f.peer(t, false)
	_, err = ac.Subscribe(ctx, b)
	requireRefused(t, err, ErrConflict, http.StatusConflict)
	// The seed's key does not subscribe.
	_, err = f.seedC.Subscribe(ctx, b)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	// A public key of another group.
	modp, err := elgamal.GenerateKey(elgamal.ModP1024, rand.Reader)
	require.NoError(t, err)
	pb, _ := modp.Public().MarshalBinary()
	err = mc.do(ctx, http.MethodPost, "/v1/subscribe", &SubscribeRequest{PublicKey: pb, Proof: proof}, &resp)
	requireRefused(t, err, ErrMalformed, http.StatusBadRequest)
	require.Equal(t, 1, f.tr.Peers())
}

// TestReplay: a request sent twice is served once.
func TestReplay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	p, c := f.peer(t, false)
	pk, _ := p.PublicKey().MarshalBinary()
	proof, err := p.ProveKey(nil, SubscribeContext(f.torrent.ID, c.PublicKey()))
	require.NoError(t, err)
	body := []byte(`{"public_key":"` + b64(pk) + `","proof":"` + b64(proof) + `"}`)
	req, err := c.newRequest(ctx, http.MethodPost, "/v1/subscribe", body)
	require.NoError(t, err)
	replay := req.Clone(ctx)
	replay.Body, replay.GetBody = http.NoBody, nil
	replay.Body = readCloser(body)
	var resp SubscribeResponse
	require.NoError(t, c.send(req, &resp))
	require.Equal(t, 1, f.tr.Peers())
	f.tr.Unsubscribe(p.ID()) // so that a served replay would show
	err = c.send(replay, &resp)
	requireRefused(t, err, ErrReplay, http.StatusUnauthorized)
	require.Equal(t, 0, f.tr.Peers(), "a replay changes nothing")
}

// TestForgery: a bad signature, a body or URI changed after signing, and a
// request signed by one key under another's name are refused and change
// nothing.
func TestForgery(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	j, _ := f.peer(t, true)
	_, mc := f.peer(t, true)
	body := []byte(`{"to":"` + hexID(j.ID()) + `","indices":[0]}`)

	for name, forge := range map[string]func(*http.Request){
		"flipped signature": func(r *http.Request) {
			a, _ := parseAuth(r.Header.Get("Authorization"))
			a.sig[5] ^= 1
			r.Header.Set("Authorization", a.header())
		},
		"seed's key claimed": func(r *http.Request) {
			a, _ := parseAuth(r.Header.Get("Authorization"))
			copy(a.key[:], f.seedC.pub)
			r.Header.Set("Authorization", a.header())
		},
		"time changed": func(r *http.Request) {
			a, _ := parseAuth(r.Header.Get("Authorization"))
			a.time++
			r.Header.Set("Authorization", a.header())
		},
		"body changed": func(r *http.Request) {
			r.Body = readCloser(bytes.Replace(body, []byte("[0]"), []byte("[1]"), 1))
		},
		"path changed": func(r *http.Request) { r.URL.Path = "/v1/rekeys" },
		"no header":    func(r *http.Request) { r.Header.Del("Authorization") },
		"other scheme": func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") },
	} {
		t.Run(name, func(t *testing.T) {
			req, err := mc.newRequest(ctx, http.MethodPost, "/v1/upload-keys", body)
			require.NoError(t, err)
			forge(req)
			req.ContentLength = -1
			err = mc.send(req, new(KeysResponse))
			requireRefused(t, err, ErrUnauthenticated, http.StatusUnauthorized)
		})
	}
	// The request URI and the torrent are signed: a changed query, or a
	// request signed for another key server's torrent, is refused.
	req, err := mc.newRequest(ctx, http.MethodGet, "/v1/torrent?a=1", nil)
	require.NoError(t, err)
	req.URL.RawQuery = "a=2"
	requireRefused(t, mc.send(req, new(TorrentResponse)), ErrUnauthenticated, http.StatusUnauthorized)
	otherTorrent := f.torrent.ID
	otherTorrent[0] ^= 1
	cross, err := NewClient(f.ts.URL, otherTorrent, mc.key, f.ts.Client())
	require.NoError(t, err)
	_, err = cross.Torrent(ctx)
	requireRefused(t, err, ErrUnauthenticated, http.StatusUnauthorized)

	// Two peers made two requests each (torrent, subscribe); no forged
	// request entered the replay cache.
	require.Equal(t, 4, f.srv.replay.len())
}

// TestSkew: a request whose time is outside the window is refused.
func TestSkew(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	_, c := f.peer(t, false)
	for _, off := range []time.Duration{-2 * DefaultSkew, -DefaultSkew - 2*time.Second, DefaultSkew + 2*time.Second, time.Hour} {
		c.now = func() time.Time { return time.Now().Add(off) }
		_, err := c.ExpectedHashes(ctx)
		requireRefused(t, err, ErrStale, http.StatusUnauthorized)
	}
	c.now = func() time.Time { return time.Now().Add(DefaultSkew / 2) }
	_, err := c.ExpectedHashes(ctx)
	requireRefused(t, err, ErrForbidden, http.StatusForbidden) // authenticated, merely unsubscribed
}

// TestMalformed: bad bodies, oversize bodies, unknown endpoints and methods
// get clear errors and change nothing.
func TestMalformed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	j, jc := f.peer(t, true)
	k, _ := f.peer(t, true)
	// Every bad request below names k, a downloader j may ask re-keys for,
	// so that it is refused for its shape alone.
	to := hexID(k.ID())
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		want               error
		status             int
	}{
		{"not JSON", "POST", "/v1/rekeys", []byte("{"), ErrMalformed, 400},
		{"unknown field", "POST", "/v1/rekeys", []byte(`{"to":"` + to + `","indices":[0],"from":"x"}`), ErrMalformed, 400},
		{"trailing data", "POST", "/v1/rekeys", []byte(`{"to":"` + to + `","indices":[0]} {}`), ErrMalformed, 400},
		{"upper-case id", "POST", "/v1/rekeys", []byte(`{"to":"` + strings.ToUpper(to) + `","indices":[0]}`), ErrMalformed, 400},
		{"short id", "POST", "/v1/rekeys", []byte(`{"to":"abcd","indices":[0]}`), ErrMalformed, 400},
		{"no indices", "POST", "/v1/rekeys", []byte(`{"to":"` + to + `","indices":[]}`), ErrMalformed, 400},
		{"negative index", "POST", "/v1/rekeys", []byte(`{"to":"` + to + `","indices":[-1]}`), ErrMalformed, 400},
		{"too many indices", "POST", "/v1/upload-keys", []byte(`{"to":"` + to + `","indices":[` + strings.Repeat("0,", MaxBatch) + `0]}`), ErrForbidden, 403},
		{"null", "POST", "/v1/subscribe", []byte(`null`), ErrMalformed, 400},
		{"bad key", "POST", "/v1/subscribe", []byte(`{"public_key":"AAAA","proof":""}`), ErrMalformed, 400},
		{"body on GET", "GET", "/v1/expected-hashes", []byte(`{}`), ErrMalformed, 400},
		{"body on torrent", "GET", "/v1/torrent", []byte(`{}`), ErrMalformed, 400},
		{"body on licence", "POST", "/v1/licence", []byte(`{}`), ErrMalformed, 400},
		{"oversize", "POST", "/v1/rekeys", bytes.Repeat([]byte(" "), MaxBodySize+1), ErrTooLarge, 413},
		{"unknown path", "GET", "/v1/nothing", nil, ErrNotFound, 404},
		{"wrong method", "DELETE", "/v1/licence", nil, ErrMethod, 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := jc.newRequest(ctx, tc.method, tc.path, tc.body)
			require.NoError(t, err)
			err = jc.send(req, new(struct{}))
			requireRefused(t, err, tc.want, tc.status)
		})
	}
	// The too-many-indices case from a peer is refused before decoding;
	// from the seed it is a malformed request.
	_, err := f.seedC.UploadKeys(ctx, j.ID(), make([]uint32, MaxBatch+1)...)
	require.ErrorIs(t, err, ErrMalformed)
	req, err := f.seedC.newRequest(ctx, "POST", "/v1/upload-keys", []byte(`{"to":"`+to+`","indices":[`+strings.Repeat("0,", MaxBatch)+`0]}`))
	require.NoError(t, err)
	requireRefused(t, f.seedC.send(req, new(struct{})), ErrMalformed, 400)
	require.Equal(t, 2, f.tr.Peers())
	ok, err := jc.newRequest(ctx, "POST", "/v1/rekeys", []byte(`{"to":"`+to+`","indices":[0]}`))
	require.NoError(t, err)
	require.NoError(t, jc.send(ok, new(KeysResponse)), "the well-formed request")
}

// TestReplayCacheBound: the replay cache refuses new requests when full,
// and frees entries once their requests can no longer be accepted.
func TestReplayCacheBound(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *Config) { c.MaxNonces = 3 })
	_, err := f.seedC.Torrent(ctx) // 1
	require.NoError(t, err)
	for range 2 { // 2, 3
		_, err = f.seedC.UploadKeys(ctx, reencrypt.PeerID{1}, 0)
		requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
	}
	_, err = f.seedC.UploadKeys(ctx, reencrypt.PeerID{1}, 0)
	requireRefused(t, err, ErrBusy, http.StatusServiceUnavailable)
	f.clock.Store(int64(2*DefaultSkew + time.Second))
	f.seedC.now = func() time.Time { return time.Now().Add(2*DefaultSkew + time.Second) }
	_, err = f.seedC.UploadKeys(ctx, reencrypt.PeerID{1}, 0)
	requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
	require.Equal(t, 1, f.srv.replay.len())
}

// TestStrangersPool: callers that are neither the seed nor subscribed
// share a quarter of the replay cache, so a flood of them cannot lock the
// members out; and subscriptions are bounded.
func TestStrangersPool(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *Config) { c.MaxNonces = 8; c.MaxPeers = 1 })
	_, sc := f.peer(t, false) // 1 stranger request
	for range 2 {             // 2 more: the strangers' pool of 8/4+1 = 3 is full
		_, err := sc.UploadKeys(ctx, reencrypt.PeerID{1}, 0)
		requireRefused(t, err, ErrForbidden, http.StatusForbidden)
	}
	_, err := sc.UploadKeys(ctx, reencrypt.PeerID{1}, 0)
	requireRefused(t, err, ErrBusy, http.StatusServiceUnavailable)
	_, err = f.seedC.Torrent(ctx)
	require.NoError(t, err, "the seed is not locked out")

	// MaxPeers = 1: a first subscription, then the table is full.
	f2 := newFixture(t, func(c *Config) { c.MaxPeers = 1 })
	a, ac := f2.peer(t, true)
	_, err = ac.Subscribe(ctx, a)
	require.NoError(t, err, "subscribing again needs no room")
	b, bc := f2.peer(t, false)
	_, err = bc.Subscribe(ctx, b)
	requireRefused(t, err, ErrBusy, http.StatusServiceUnavailable)
	require.Equal(t, 1, f2.tr.Peers())
}

func TestNewServerConfig(t *testing.T) {
	tr, err := reencrypt.NewTracker(elgamal.Default, nil)
	require.NoError(t, err)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	lic := func(context.Context, reencrypt.PeerID) (reencrypt.Policy, error) { return reencrypt.Policy{}, nil }
	_, err = NewServer(Config{Tracker: tr, SeedKey: pub, Licence: lic})
	require.ErrorIs(t, err, reencrypt.ErrNotPublished)
	_, _, err = tr.Publish([][]byte{{1}})
	require.NoError(t, err)
	for name, cfg := range map[string]Config{
		"no tracker":    {SeedKey: pub, Licence: lic},
		"no seed key":   {Tracker: tr, Licence: lic},
		"no licence":    {Tracker: tr, SeedKey: pub},
		"negative skew": {Tracker: tr, SeedKey: pub, Licence: lic, Skew: -1},
		"negative cap":  {Tracker: tr, SeedKey: pub, Licence: lic, MaxPeers: -1},
	} {
		_, err := NewServer(cfg)
		require.Error(t, err, name)
	}
	_, err = NewServer(Config{Tracker: tr, SeedKey: pub, Licence: lic})
	require.NoError(t, err)
	_, err = NewClient("ftp://x", reencrypt.TorrentID{}, make([]byte, 64), nil)
	require.Error(t, err)
	_, err = NewClient("https://127.0.0.1:1", reencrypt.TorrentID{}, make([]byte, 3), nil)
	require.Error(t, err)
}

// TestClientChecksAnswers: the client refuses answers that do not fit its
// request, from a server that misbehaves.
func TestClientChecksAnswers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	real, err := f.seedC.Torrent(ctx)
	require.NoError(t, err)
	tb, err := real.MarshalBinary()
	require.NoError(t, err)
	j, _ := f.peer(t, true)
	genuine, err := f.tr.UploadKey(0, f.seed.ID(), j.ID())
	require.NoError(t, err)
	gk, err := genuine.MarshalBinary()
	require.NoError(t, err)

	var answer atomic.Value // func(w http.ResponseWriter, r *http.Request)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/torrent" {
			_ = json.NewEncoder(w).Encode(&TorrentResponse{Torrent: tb, LicenceKey: f.tr.LicenceKey(), SeedID: hexID(f.seed.ID())})
			return
		}
		answer.Load().(func(http.ResponseWriter, *http.Request))(w, r)
	}))
	t.Cleanup(fake.Close)
	c, err := NewClient(fake.URL, f.torrent.ID, f.seedC.key, fake.Client())
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		h    func(http.ResponseWriter, *http.Request)
		want error
	}{
		"key for another downloader": {func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(&KeysResponse{Keys: [][]byte{gk}})
		}, nil},
		"too few keys": {func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(&KeysResponse{})
		}, nil},
		"garbage key": {func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(&KeysResponse{Keys: [][]byte{{1, 2, 3}}})
		}, reencrypt.ErrMalformed},
		"not JSON":  {func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) }, nil},
		"plain 502": {func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }, nil},
	} {
		t.Run(name, func(t *testing.T) {
			answer.Store(tc.h)
			_, err := c.UploadKeys(ctx, reencrypt.PeerID{7}, 0)
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}
	// A status without the server's error body is still an *Error.
	answer.Store(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	var e *Error
	require.ErrorAs(t, func() error { _, err := c.UploadKeys(ctx, reencrypt.PeerID{7}, 0); return err }(), &e)
	require.Equal(t, http.StatusBadGateway, e.Status)
	require.NoError(t, e.Unwrap())

	// A server serving another torrent under the expected name.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		o := *real
		o.ID[0] ^= 1
		ob, _ := o.MarshalBinary()
		_ = json.NewEncoder(w).Encode(&TorrentResponse{Torrent: ob, LicenceKey: f.tr.LicenceKey(), SeedID: hexID(f.seed.ID())})
	}))
	t.Cleanup(other.Close)
	c2, err := NewClient(other.URL, f.torrent.ID, f.seedC.key, other.Client())
	require.NoError(t, err)
	_, err = c2.Torrent(ctx)
	require.ErrorContains(t, err, "serves torrent")
}

// TestConcurrentClients: many peers use one server at once; run with -race.
func TestConcurrentClients(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	type member struct {
		p *reencrypt.Peer
		c *Client
	}
	ms := make([]member, 4)
	for i := range ms {
		ms[i].p, ms[i].c = f.peer(t, true)
	}
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for i := range ms {
		wg.Go(func() {
			m, next := ms[i], ms[(i+1)%len(ms)]
			for range 3 {
				if _, err := m.c.ReKeys(ctx, next.p.ID(), 0, 1, 2); err != nil {
					errs <- err
				}
				if _, err := m.c.Licence(ctx); err != nil {
					errs <- err
				}
				if _, err := f.seedC.UploadKeys(ctx, m.p.ID(), 1); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// TestMisuse: zero values and nil arguments are errors, not panics.
func TestMisuse(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	var zc Client
	var zs Server
	for name, call := range map[string]func() error{
		"zero Client Torrent":      func() error { _, err := zc.Torrent(ctx); return err },
		"zero Client Subscribe":    func() error { _, err := zc.Subscribe(ctx, nil); return err },
		"zero Client UploadKeys":   func() error { _, err := zc.UploadKeys(ctx, reencrypt.PeerID{}, 0); return err },
		"zero Client ReKeys":       func() error { _, err := zc.ReKeys(ctx, reencrypt.PeerID{}, 0); return err },
		"zero Client Licence":      func() error { _, err := zc.Licence(ctx); return err },
		"zero Client Hashes":       func() error { _, err := zc.ExpectedHashes(ctx); return err },
		"zero Client LicenceKey":   func() error { _, err := zc.LicenceKey(ctx); return err },
		"Subscribe nil peer":       func() error { _, err := f.seedC.Subscribe(ctx, nil); return err },
		"Subscribe zero peer":      func() error { _, err := f.client(t, nil).Subscribe(ctx, &reencrypt.Peer{}); return err },
		"UploadKeys no indices":    func() error { _, err := f.seedC.UploadKeys(ctx, reencrypt.PeerID{}); return err },
		"ReKeys no indices":        func() error { _, err := f.seedC.ReKeys(ctx, reencrypt.PeerID{}); return err },
		"NewServer zero":           func() error { _, err := NewServer(Config{}); return err },
		"NewClient nil key":        func() error { _, err := NewClient(f.ts.URL, f.torrent.ID, nil, nil); return err },
		"NewClient empty URL":      func() error { _, err := NewClient("", f.torrent.ID, f.seedC.key, nil); return err },
		"NewClient URL with query": func() error { _, err := NewClient(f.ts.URL+"/?a", f.torrent.ID, f.seedC.key, nil); return err },
		"zero Server ServeHTTP": func() error {
			w := httptest.NewRecorder()
			zs.ServeHTTP(w, httptest.NewRequest("GET", "/v1/torrent", nil))
			if w.Code != http.StatusInternalServerError {
				return nil
			}
			return errors.New(w.Body.String())
		},
		"Error without code": func() error {
			if (&Error{Status: 418}).Unwrap() != nil {
				return nil
			}
			return &Error{Status: 418}
		},
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = call() })
			require.Error(t, err)
		})
	}
}

// TestUnsubscribedPeer: a peer the tracker's operator removed
// (Tracker.Unsubscribe) keeps its authentication key but gets no licence,
// no expected hashes and no re-keys, and the seed no upload keys for it.
func TestUnsubscribedPeer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	a, ac := f.peer(t, true)
	b, _ := f.peer(t, true)
	f.tr.Unsubscribe(a.ID())
	_, err := ac.Licence(ctx)
	requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
	_, err = ac.ExpectedHashes(ctx)
	requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
	_, err = ac.ReKeys(ctx, b.ID(), 0)
	requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
	_, err = f.seedC.UploadKeys(ctx, a.ID(), 0)
	requireRefused(t, err, ErrUnknownPeer, http.StatusNotFound)
}

// TestSubscribeAfterRequests: serving a subscriber's requests leaves the
// subscription table free for the next subscriber.
func TestSubscribeAfterRequests(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	_, ac := f.peer(t, true)
	_, err := ac.Licence(ctx)
	require.NoError(t, err)
	_, err = ac.ExpectedHashes(ctx)
	require.NoError(t, err)
	f.peer(t, true)
	require.Equal(t, 2, f.tr.Peers())
}
