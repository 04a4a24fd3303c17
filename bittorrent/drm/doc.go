// Package drm carries the runtime re-encryption DRM of package reencrypt
// in a real BitTorrent swarm of github.com/anacrolix/torrent clients, after
// [Runtime re-encryption DRM] §2 (Algorithms 1–3) and §2.3 (integrity).
//
// The sealed bodies of the pieces, the same for every downloader, are the
// data of an ordinary torrent ([Release], [NewRelease]): any client
// verifies them under ordinary SHA-1 piece hashes, and the piece length is
// a power of two because the plain pieces are cut at
// [reencrypt.PlainPieceSize] so that each sealed body fills one piece. The
// only per-downloader part, the small capsule, travels in a BEP 10
// extension message ([ExtensionName], [Message]): as soon as a piece's body
// starts arriving, a downloader asks for the piece's capsule, first of the
// peer sending the body, as in the paper's "re-encrypt at every upload", so
// the capsule's round trip overlaps the body's transfer; the uploader transforms its own capsule with a re-key from the
// key server ([ReKeyer]) — T, one group addition — or, if it is the
// original seed, blinds the piece element under an upload key
// ([UploadKeyer]), and replies. The downloader checks the capsule against
// the expected hash the key server gave it (§2.3): a polluted capsule is
// rejected, counted, and asked again of another peer, and a peer that
// sends several is no longer asked. [Torrent.Player] decrypts a finished
// download with the local licence.
//
// # Protocol overview
//
//	Po (original seed)      Pj (any peer)           Pk (downloader)       key server
//	|-- body chunks of piece i (SHA-1 checked) ---->|                     |
//	|<- Request(i, Pk) -----------------------------|                     |
//	|-- UploadKeys(Pk, i) ----------------------------------------------->|
//	|<- K = r_ik.Y_k -----------------------------------------------------|
//	|-- Capsule(M_i + K) -------------------------->|                     |
//	|                       |                       | VerifyCapsule (2.3) |
//	|                       |-- body chunks of i -->|                     |
//	|                       |<- Request(i, Pk) -----|                     |
//	|                       |-- ReKeys(Pk, i) --------------------------->|
//	|                       |<- Delta ------------------------------------|
//	|                       |-- Capsule(C + Delta) >|                     |
//	|                       |                       | VerifyCapsule (2.3) |
//
// One [Carrier] serves one client: [NewCarrier] installs its callbacks in
// the client's configuration ([torrent.Callbacks.PeerConnAdded] to
// advertise the extension, [torrent.Callbacks.PeerConnReadExtensionMessage]
// to receive it, [torrent.Callbacks.ReceivedUsefulData] to learn who
// uploaded which piece); [Carrier.AddSeed] and [Carrier.AddPeer] protect a
// torrent added to that client. Capsules a downloader received are kept in
// [Options.CapsuleFile], so that a client restarted from its saved key
// ([reencrypt.RestorePeer]) and licence ([reencrypt.Peer.LoadLicence])
// still plays what it downloaded.
//
// # Engine
//
// The module pins github.com/anacrolix/torrent v1.61.0, the newest release
// that builds here (v1.62.0 needs a github.com/anacrolix/go-utp version the
// Go module proxy refuses).
//
// # Limits
//
//   - The carrier does not choose what to download: the host client does
//     (for instance [torrent.Torrent.DownloadAll]). A capsule is asked for
//     once the piece's first chunk arrives, of the peer that sent it.
//   - An uploader serves a capsule to whoever asks, for any subscribed
//     peer: a capsule is useless without its owner's private key, so this
//     leaks nothing, and the key server refuses re-keys for peers it does
//     not know. Requests are bounded per connection ([Options.MaxRequests]).
//   - The extension message names the downloader; it is not authenticated
//     by the BitTorrent connection. A peer that names another gets a
//     capsule it cannot open.
//   - Every capsule costs the key server a re-key or an upload key. The
//     tracker caches the blinds r_ij·Y_j those are made of
//     ([reencrypt.Tracker.SetBlindCache]), computed already for each
//     peer's expected hashes, so a re-key is a group subtraction rather
//     than two scalar multiplications, and the seed a group addition: over
//     HTTP the request itself (a signature to check, a TLS round trip)
//     costs more than the keys. A tracker whose swarm outgrows the cache
//     pays the multiplications again.
//   - [Torrent.Player] reads the whole sealed content into memory.
//   - As in the paper, the key server, the original seed and the player
//     are trusted; a hacked player leaks the plain content.
//
// # References
//
//   - [Runtime re-encryption DRM]: Xinwen Zhang, Dongyu Liu, Songqing Chen,
//     Zhao Zhang and Ravi Sandhu, "Towards digital rights protection in
//     BitTorrent-like P2P systems", Multimedia Computing and Networking
//     (MMCN) 2008, Proc. SPIE 6818. doi:10.1117/12.775129. §3.2 reports
//     under 10% throughput loss against plain BitTorrent. BenchmarkSwarm
//     measures the throughput here; BenchmarkSwarmLoss measures the loss:
//     each iteration runs a plain, a protected and a second plain swarm
//     of the same content in one of six balanced orders, and the median
//     paired loss is reported with a distribution-free 95% confidence
//     interval beside the plain-against-plain (A/A) one, whose spread is
//     the measurement's noise floor. The benchmark keeps out what is not
//     the experiment: garbage of the previous swarm, connections a client
//     turned away, and anacrolix's habit of having every leecher ask the
//     seed for the same pieces first. The repository's README gives the
//     figures and the command.
//   - [BEP 10]: the BitTorrent extension protocol.
//
// [Runtime re-encryption DRM]: https://doi.org/10.1117/12.775129
// [BEP 10]: https://www.bittorrent.org/beps/bep_0010.html
package drm
