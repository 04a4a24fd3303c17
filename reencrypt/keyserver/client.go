package keyserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// maxResponseSize bounds a response body the client reads: a licence of
// MaxPieces keys in modp2048, base64-encoded, with room to spare. It is a
// variable so that a test can lower it.
var maxResponseSize = 128 << 20

// Client calls a key server as one caller, identified by its ed25519 key:
// the original seed (the key the server was configured with) or a peer
// (which first subscribes). It signs every request, checks every answer it
// can (the torrent against the identifier it was given, key fields against
// the request, licences against the tracker's signature) and returns the
// server's refusals as [*Error]. It is safe for concurrent use.
type Client struct {
	base    string
	torrent reencrypt.TorrentID
	key     ed25519.PrivateKey
	pub     ed25519.PublicKey
	hc      *http.Client
	now     func() time.Time // tests skew the client's clock
	rnd     io.Reader

	mu   sync.Mutex
	info *info
}

// info is what the client learns from GET /v1/torrent.
type info struct {
	torrent    *reencrypt.Torrent
	g          group.Group
	licenceKey ed25519.PublicKey
	seedID     reencrypt.PeerID
}

// NewClient returns a client of the key server at baseURL (such as
// "https://tracker.example:8443") for torrent id, the identifier the user
// got with the content's name, as BitTorrent users get an infohash. It
// signs with key. hc is the HTTP client to use; nil means
// http.DefaultClient. Serve the key server over TLS: upload keys must stay
// secret from their downloader.
func NewClient(baseURL string, id reencrypt.TorrentID, key ed25519.PrivateKey, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("keyserver: base URL %q is not an http(s) URL without query", baseURL)
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("keyserver: private key of %d bytes", len(key))
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	k := append(ed25519.PrivateKey(nil), key...)
	return &Client{
		base: strings.TrimSuffix(baseURL, "/"), torrent: id, key: k, pub: k.Public().(ed25519.PublicKey),
		hc: hc, now: time.Now, rnd: rand.Reader,
	}, nil
}

// PublicKey returns the client's authentication key.
func (c *Client) PublicKey() ed25519.PublicKey { return append(ed25519.PublicKey(nil), c.pub...) }

// errZeroClient is returned by the methods of a Client not made by
// NewClient.
var errZeroClient = errors.New("keyserver: client not made by NewClient")

// newRequest builds a signed request.
func (c *Client) newRequest(ctx context.Context, method, path string, body []byte) (*http.Request, error) {
	if c.hc == nil || len(c.key) != ed25519.PrivateKeySize || c.rnd == nil || c.now == nil {
		return nil, errZeroClient
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	// NewClient parsed the base URL, and the methods and paths are the client's
	// own constants (mutation: unreachable).
	if err != nil {
		return nil, err
	}
	uri := req.URL.RequestURI()
	if len(uri) > maxURI {
		return nil, fmt.Errorf("keyserver: request URI longer than %d bytes", maxURI)
	}
	a := &auth{time: c.now().Unix()}
	copy(a.key[:], c.pub)
	if _, err := io.ReadFull(c.rnd, a.nonce[:]); err != nil {
		return nil, fmt.Errorf("keyserver: reading randomness: %w", err)
	}
	copy(a.sig[:], ed25519.Sign(c.key, signedMessage(c.torrent, method, uri, body, a)))
	req.Header.Set("Authorization", a.header())
	// The key server reads every body as JSON whatever its Content-Type; the
	// header is for proxies and logs (mutation: equivalent).
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json") // mutation: see above.
	}
	return req, nil
}

// do sends a signed request and decodes a JSON answer into out.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		// mutation: unreachable — the request types always marshal.
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return err
	}
	return c.send(req, out)
}

// send sends a built request and decodes its JSON answer into out.
func (c *Client) send(req *http.Request, out any) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(maxResponseSize)+1))
	if err != nil {
		return err
	}
	if len(data) > maxResponseSize {
		return fmt.Errorf("keyserver: response larger than %d bytes", maxResponseSize)
	}
	if resp.StatusCode != http.StatusOK {
		var e errorResponse
		if json.Unmarshal(data, &e) != nil || e.Code == "" {
			return &Error{Status: resp.StatusCode, Code: "http", Message: http.StatusText(resp.StatusCode)}
		}
		return &Error{Status: resp.StatusCode, Code: e.Code, Message: e.Error}
	}
	// Every caller checks the decoded answer, which a failed decoding leaves
	// empty or partial; this names the cause (mutation: equivalent).
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("keyserver: malformed answer to %s %s: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// load returns the torrent information, fetching it once.
func (c *Client) load(ctx context.Context) (*info, error) {
	c.mu.Lock()
	in := c.info
	c.mu.Unlock()
	if in != nil {
		return in, nil
	}
	var resp TorrentResponse
	if err := c.do(ctx, http.MethodGet, "/v1/torrent", nil, &resp); err != nil {
		return nil, err
	}
	t, err := reencrypt.ParseTorrent(resp.Torrent)
	if err != nil {
		return nil, fmt.Errorf("keyserver: server's torrent: %w", err)
	}
	if t.ID != c.torrent {
		return nil, fmt.Errorf("keyserver: server serves torrent %v, not %v", t.ID, c.torrent)
	}
	g, err := elgamal.GroupByName(t.Group)
	// mutation: unreachable — ParseTorrent refused an unknown group.
	if err != nil {
		return nil, err
	}
	if len(resp.LicenceKey) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("keyserver: server's licence key of %d bytes", len(resp.LicenceKey))
	}
	seed, err := parsePeerID(resp.SeedID)
	if err != nil || seed != reencrypt.SeedIDOf(t.ID) {
		return nil, fmt.Errorf("keyserver: server's seed id %q is not the torrent's", resp.SeedID)
	}
	in = &info{torrent: t, g: g, licenceKey: resp.LicenceKey, seedID: seed}
	c.mu.Lock()
	c.info = in
	c.mu.Unlock()
	return in, nil
}

// Torrent returns a copy of the torrent description the server serves,
// checked against the identifier the client was made with.
func (c *Client) Torrent(ctx context.Context) (*reencrypt.Torrent, error) {
	in, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	b, _ := in.torrent.MarshalBinary()
	return reencrypt.ParseTorrent(b)
}

// LicenceKey returns the tracker's licence-verification key, as the server
// sends it.
func (c *Client) LicenceKey(ctx context.Context) (ed25519.PublicKey, error) {
	in, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	return append(ed25519.PublicKey(nil), in.licenceKey...), nil
}

// Subscribe subscribes peer p, binding it to the client's authentication
// key: from then on the client's requests act as p. It proves that the
// caller holds p's private key. Subscribing the same peer again with the
// same key is harmless; another key gets [ErrConflict].
func (c *Client) Subscribe(ctx context.Context, p *reencrypt.Peer) (reencrypt.PeerID, error) {
	if p == nil || p.PublicKey() == nil {
		return reencrypt.PeerID{}, errors.New("keyserver: nil or zero peer")
	}
	// A peer with a public key was made by NewPeer or RestorePeer: its key
	// marshals and it can prove it.
	pk, err := p.PublicKey().MarshalBinary()
	if err != nil { // mutation: unreachable, see above.
		return reencrypt.PeerID{}, err
	}
	proof, err := p.ProveKey(c.rnd, SubscribeContext(c.torrent, c.pub))
	if err != nil { // mutation: unreachable, see above.
		return reencrypt.PeerID{}, err
	}
	var resp SubscribeResponse
	if err := c.do(ctx, http.MethodPost, "/v1/subscribe", &SubscribeRequest{PublicKey: pk, Proof: proof}, &resp); err != nil {
		return reencrypt.PeerID{}, err
	}
	id, err := parsePeerID(resp.PeerID)
	if err != nil || id != p.ID() {
		return reencrypt.PeerID{}, fmt.Errorf("keyserver: server answered peer id %q for %v", resp.PeerID, p.ID())
	}
	return id, nil
}

// UploadKeys asks, as the original seed, for the upload keys of pieces
// indices (1 to [MaxBatch]) for downloader to (Algorithm 1, messages 5–6).
func (c *Client) UploadKeys(ctx context.Context, to reencrypt.PeerID, indices ...uint32) ([]*reencrypt.UploadKey, error) {
	in, raw, err := c.keys(ctx, "/v1/upload-keys", to, indices)
	if err != nil {
		return nil, err
	}
	out := make([]*reencrypt.UploadKey, len(raw))
	for n, b := range raw {
		k, err := reencrypt.ParseUploadKey(in.g, b)
		if err != nil {
			return nil, fmt.Errorf("keyserver: upload key %d: %w", n, err)
		}
		if k.Torrent != c.torrent || k.Index != indices[n] || k.To != to {
			return nil, fmt.Errorf("keyserver: upload key %d is for piece %d of %v to %v", n, k.Index, k.Torrent, k.To)
		}
		out[n] = k
	}
	return out, nil
}

// ReKeys asks, as an uploading peer, for the re-keys of pieces indices (1
// to [MaxBatch]) from this client's peer to downloader to (Algorithm 2,
// messages 5–6).
func (c *Client) ReKeys(ctx context.Context, to reencrypt.PeerID, indices ...uint32) ([]*reencrypt.ReKey, error) {
	in, raw, err := c.keys(ctx, "/v1/rekeys", to, indices)
	if err != nil {
		return nil, err
	}
	out := make([]*reencrypt.ReKey, len(raw))
	for n, b := range raw {
		k, err := reencrypt.ParseReKey(in.g, b)
		if err != nil {
			return nil, fmt.Errorf("keyserver: re-key %d: %w", n, err)
		}
		if k.Torrent != c.torrent || k.Index != indices[n] || k.To != to {
			return nil, fmt.Errorf("keyserver: re-key %d is for piece %d of %v to %v", n, k.Index, k.Torrent, k.To)
		}
		out[n] = k
	}
	return out, nil
}

func (c *Client) keys(ctx context.Context, path string, to reencrypt.PeerID, indices []uint32) (*info, [][]byte, error) {
	if len(indices) == 0 || len(indices) > MaxBatch {
		return nil, nil, fmt.Errorf("%w: %d piece indices (want 1 to %d)", ErrMalformed, len(indices), MaxBatch)
	}
	in, err := c.load(ctx)
	if err != nil {
		return nil, nil, err
	}
	var resp KeysResponse
	if err := c.do(ctx, http.MethodPost, path, &KeysRequest{To: hexID(to), Indices: indices}, &resp); err != nil {
		return nil, nil, err
	}
	if len(resp.Keys) != len(indices) {
		return nil, nil, fmt.Errorf("keyserver: %d keys for %d indices", len(resp.Keys), len(indices))
	}
	return in, resp.Keys, nil
}

// Licence asks for the licence of this client's peer (Algorithm 3, messages
// 8–9) and verifies the tracker's signature on it.
func (c *Client) Licence(ctx context.Context) (*reencrypt.Licence, error) {
	in, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	var resp LicenceResponse
	if err := c.do(ctx, http.MethodPost, "/v1/licence", nil, &resp); err != nil {
		return nil, err
	}
	return reencrypt.ParseLicence(in.g, resp.Licence, in.licenceKey)
}

// ExpectedHashes asks for this client's peer's expected piece hashes
// (§2.3), for [reencrypt.Peer.SetExpectedHashes].
func (c *Client) ExpectedHashes(ctx context.Context) ([][32]byte, error) {
	in, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	var resp HashesResponse
	if err := c.do(ctx, http.MethodGet, "/v1/expected-hashes", nil, &resp); err != nil {
		return nil, err
	}
	if len(resp.Hashes) != 32*in.torrent.Pieces() {
		return nil, fmt.Errorf("keyserver: %d bytes of hashes for %d pieces", len(resp.Hashes), in.torrent.Pieces())
	}
	out := make([][32]byte, in.torrent.Pieces())
	for i := range out {
		copy(out[i][:], resp.Hashes[32*i:])
	}
	return out, nil
}
