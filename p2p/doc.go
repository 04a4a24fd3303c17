// Package p2p runs the [chord] package's Chord ring and BitStore storage
// network (paper 002 §4: DHash over Chord, q_s replicas of each encrypted
// chunk at successor(h(chunk_hash, secret, i)), tracker-signed stores,
// lazy replica maintenance) on a real network of go-libp2p hosts.
//
// It is a nested module (github.com/swarmblocks/swarmblocks/p2p) so that
// importers of the core library never pull in go-libp2p. It adds no
// protocol logic of its own: the state machine stays in [chord], and this
// package frames, authenticates, times out and persists.
//
//   - [Transport] is a [chord.Transport] over libp2p streams on
//     [ProtocolID]: each request and response is one length-prefixed frame
//     ([AppendFrame], [ReadFrame], at most [MaxFrameSize]) of the chord
//     codec, sent on a pooled stream under the caller's deadline.
//   - Identity: a node's ring ID is [RingID] of its libp2p peer ID (a hash
//     of its public key), and its address is a multiaddr ending in
//     /p2p/<peer ID> ([NodeInfo]). The server side hands every request to
//     [chord.Node.HandleFrom] with the peer the secure channel
//     authenticated, so a request claiming another sender is refused; and
//     every node named in a message must have the ring ID its address's
//     peer ID gives ([chord.Config].AcceptNode), so no node can place
//     itself, or another, where it likes.
//   - [Service] is a node: host, transport and the maintenance timers
//     (Stabilize, FixFingers, CheckPredecessor, each on its own jittered
//     timer), bootstrapping from multiaddrs, ring events to the
//     application, and a data directory ([Config].DataDir) holding the
//     identity key and a [BoltStore], so that a node restarted on it
//     comes back with the same ring ID and serves the blocks it held.
//     [Service.StartClient] joins as a client that stores and fetches
//     without serving.
//   - [PutFile] and [GetFile] store a file as chunks behind a manifest
//     chunk, with mput and mget.
//   - The command bitstore (p2p/cmd/bitstore) runs nodes and stores and
//     fetches files: keygen, node, put, get.
//
// # Protocol overview
//
//	caller                                       callee (Transport.serve)
//	NewStream(/swarmblocks/chord/1.0.0) ──────▶  (one stream per pooled slot)
//	len(4) ‖ Request ─────────────────────────▶  ReadFrame (len ≤ MaxFrameSize, else reset)
//	                                             decode (malformed: StatusBadRequest)
//	                                             from = authenticated peer's NodeInfo
//	                                             node.HandleFrom(from, req)
//	          ◀───────────────────────────────── len(4) ‖ Response
//	(stream back to the pool; next request)      (next frame, until idle timeout)
//
// Maintenance runs on jittered timers: every wait is the configured
// interval times a uniform factor in [1−Jitter, 1+Jitter] (defaults:
// [DefaultStabilizeInterval], [DefaultFixFingersInterval],
// [DefaultCheckPredecessorInterval], [DefaultJitter]). A node that loses
// every successor joins again through its fingers and bootstrap nodes.
//
// # Measurements
//
// On the 2-core reference machine shared with other jobs (load average 4
// to 5.4 while they ran), 32 nodes on loopback TCP, r = 4
// (go test -run '^$' -bench 'BenchmarkStreamRoundTrip|BenchmarkLookup|BenchmarkStreamThroughput|BenchmarkMPut|BenchmarkMGet'
// -benchtime 2s ./p2p), three runs:
//
//	BenchmarkStreamRoundTrip    bare request/response, lookup-step sizes   26–39 µs
//	BenchmarkLookup             2.09–2.16 hops, 3.05–3.12 calls per lookup;
//	                            a call costs 1.39–1.51 bare round trips between
//	                            the same hosts, measured in the same loop
//	BenchmarkStreamThroughput   256 KiB frames on a bare stream            900–1,100 MB/s
//	BenchmarkMGet               one 256 KiB chunk (q_s = 2)                175–210 MB/s
//	BenchmarkMPut               one 256 KiB chunk, replica bytes           130–210 MB/s
//
// The lookup target (a hop at most 1.5 bare round trips) is met within
// the noise; under a load average of 9 to 11 the ratio was 1.29–1.38.
// Its reference replays each lookup's calls on the same pairs of hosts
// with the same sizes, 64 lookups later (see BenchmarkLookup): the first
// exchange on a connection idle for a while costs two to three times one
// on a connection just used, on the bare stream as on the chord transport,
// and a replay made at once would run on the connections the lookup had
// just warmed. A call costs its caller one timer (none when the context
// has a deadline) and no stream deadline, its server no deadline change
// for a frame already buffered, and eight allocations on both sides
// together (27 before); BenchmarkLookup reports 49–57 allocations per
// lookup with its replayed round trips (119 before).
//
// The throughput target is mput and mget at half the raw stream. The
// throughput benchmarks time, after each operation and with the timer
// stopped, the raw stream carrying the same bytes in the same process, and
// report op-MB/s, ref-MB/s, their ratio, and the process's CPU time per
// byte of each (both ends of every exchange run in the process). The
// figures are bound by processor time, not latency: on two cores
// throughput is about the inverse of CPU time per byte, and half the
// stream is a budget of about twice its processor time per byte. Three
// runs at a load average of 5 to 6.5, other jobs sharing the machine (go
// test -run '^$' -bench
// 'BenchmarkStreamThroughput|BenchmarkGetFile|BenchmarkPutFile|BenchmarkMGet|BenchmarkMPut'
// -benchtime 2s ./p2p), and the figures before the changes below (one run,
// load 1.8 to 3.1, same command):
//
//	benchmark             ratio      op-cpu-ns/B  ref-cpu-ns/B   before: ratio  op-cpu-ns/B
//	BenchmarkGetFile      0.39–0.53  2.62–2.85    1.05–1.26              0.20   5.02
//	BenchmarkGetFileWarm  0.39–0.49  2.33–2.45    1.08–1.10              (new)
//	BenchmarkPutFile (*)  0.17–0.24  5.61–6.15    1.03–1.19              0.13   7.44
//	  in replica bytes    0.34–0.48  2.80–3.08                           0.25   3.72
//	BenchmarkMGet         0.30–0.37  4.46–6.02    1.50–1.83              0.23   6.70
//	BenchmarkMPut         0.26–0.30  4.97–5.16    1.31–1.52              0.17   8.83
//
// GetFile and GetFileWarm fetch a 2 MiB file (8 chunks of 256 KiB and a
// manifest, q_s = 2, four chunks in flight, no repair); PutFile stores it
// and counts file bytes, so that its ratio is bounded by 1/q_s, and the
// target applies to its replica bytes (twice as many), as MPut's bytes
// are; MGet and MPut are one chunk from a random node with no cache, MGet
// with the search among holders that an auction needs. (*) Stored seven
// duplicate chunks of eight: see The put path below. (Earlier, on the
// idle machine: GetFile 0.33 and 4.36 ns/B against 1.15; PutFile 0.23 and
// 7.72 against 1.20.) What changed:
//
//   - The chunk cipher: chunks are sealed with AES-256-GCM under a
//     per-chunk key ([chord.Swarm.Seal]) instead of XChaCha20-Poly1305,
//     two to three times cheaper per byte on this processor (AES-NI and
//     carry-less multiplication): opening 256 KiB took 0.20–0.40 ns/B
//     against 0.59–1.10 in the same runs of a micro-benchmark under the
//     same loads. The BLAKE3 hash of the plaintext stays on the get path: the
//     GCM tag only proves that a swarm member sealed the block, and every
//     member holds the key.
//   - Round trips: a file's mputs and mgets share a [chord.OwnerCache],
//     so a slot whose holder an earlier lookup revealed costs no lookup
//     (lookups/op: 5.4 of 18 slots per file with a new cache, 0.5 with a
//     cache kept across files, GetFileWarm); and GetFile fetches each
//     chunk directly ([chord.MGetOptions].Direct: one fetch, no has-check
//     of every slot first). The search, with its q_s lookups and
//     has-checks, remains for mget with a seller picker (BenchmarkMGet).
//   - Allocation: GetFile lends each fetch a buffer reused across chunks
//     and files, into which the transport copies the block from a pooled
//     frame buffer; PutFile reuses its chunk and sealed-chunk buffers.
//     Bytes allocated per file: 2.8 MB to 0.39 MB (GetFile), 5.5 MB to 1.2
//     MB (PutFile). Every byte allocated brings the collector's next
//     scan of the 32 hosts' heap nearer: before these changes GetFile
//     cost 4.84 ns/B with the default GOGC and 4.06 with GOGC=800 (one
//     run each, load 3.6).
//
// Where the target stands. GetFile costs 2.3–2.5 times the stream's
// processor time per byte (2.1–2.2 with a warm cache): at the budget
// within the noise, with wall-clock ratios of 0.39–0.53. Its floor is the
// stream plus opening the chunk (GCM and BLAKE3, 0.6–0.8 ns/B), 1.6–1.7
// times the stream, so 0.5 is near the ceiling, not far below it.
//
// # The put path
//
// Three runs at a load average of 2.6 to 4.2 (go test -run '^$' -bench
// 'BenchmarkStreamThroughput|BenchmarkMPut|BenchmarkPutFile' -benchtime 2s
// ./p2p), beside three runs of the same benchmarks, interleaved with them,
// with the BLAKE3 of the store path as it was (lukechampine.com/blake3);
// PutFile's figures per replica byte (its ratio doubled, its CPU per byte
// halved):
//
//	benchmark            ratio      op-cpu-ns/B  ref-cpu-ns/B  lookups/op  before: ratio  op-cpu-ns/B
//	BenchmarkMPut        0.34       5.13–5.32    1.65–1.69     2           0.30–0.33      4.71–5.44
//	BenchmarkMPutWarm    0.45–0.46  3.92–4.05    1.66–1.75     0.38        0.35–0.43      3.69–4.56
//	BenchmarkPutFile     0.45–0.48  3.69–3.90    1.08–1.20     12.4        0.33–0.46      3.70–4.10
//	BenchmarkPutFileWarm 0.52–0.54  3.18–3.33    1.13–1.16     2.3–2.6     0.51           3.30–3.61
//
// Earlier figures for PutFile (0.34–0.48, 2.80–3.08 ns per replica byte)
// were too good: its benchmark changed the first bytes of the file only,
// so after the first file seven of its eight chunks were duplicates, which
// a holder recognises by their hash before checking a signature or
// copying anything. Every put benchmark now stores chunks new to the ring.
//
// Where an mput's time goes, from CPU profiles (-cpuprofile, -benchtime
// 3–4s, the reference stream in the same profile):
//
//   - Lookups: an mput with no owner cache looks up each of its q_s
//     replica keys, about 1.1–1.3 ns per replica byte at 256 KiB (MPut
//     against MPutWarm, which differ only by the cache and a reused
//     sealing buffer). This was most of what the budget of the issue did
//     not account for. PutFile keeps one cache per file, and a
//     long-running client one across files ([FileOptions].Owners,
//     [chord.MPutOptions].Owners): BenchmarkMPutWarm and
//     BenchmarkPutFileWarm.
//   - BLAKE3: four hashes of 256 KiB per chunk (the chunk hash, the
//     sealed chunk's data hash, and each storer's check of it).
//     lukechampine.com/blake3 spreads one over 16 goroutines (64
//     allocations, 41 KB): 0.44 ns of process CPU per byte against 0.28
//     for github.com/zeebo/blake3, which chord now uses for these hashes
//     (identical outputs, pinned by chord's TestBlockHashesAreBLAKE3).
//     The gain is within the noise of the runs above (ratios 0.03–0.1
//     higher, CPU per byte unchanged within the noise).
//   - The storer: its BLAKE3 check and the ed25519 verification of the
//     ticket (3–5 % of the profile's samples), the copy of the block it
//     keeps into new memory (about 5 %, the ring's memory growing by every
//     block stored), and the call to its predecessor that confirms it owns
//     the key (about 2 %). Handing the transport's frame to the store
//     instead of copying it was tried and reverted: reading the frame into
//     new memory took 13 % of the samples where the copy had taken 6 %:
//     the cost is the first touch of new memory, not the copy.
//   - The 32 nodes' maintenance (a stabilize, a finger and a predecessor
//     check every 250 ms to 1 s each) and the collector (GOGC=800: 4.8 to
//     4.6 ns/B, one run each) take a few per cent, the reference's share
//     as much as the operation's.
//
// PutFile with a warm cache meets the target in wall-clock throughput
// (its four chunks in flight use both cores, the reference one stream);
// in processor time every put still costs 2.3–3.3 times the stream
// per replica byte, against a budget of about 2.
//
// # Limits
//
//   - A node's address is part of its entry in other nodes' tables. A node
//     restarted on its data directory listens on the same address again
//     (unless told otherwise, or the address is taken); one whose address
//     changed is still reached (libp2p dials by peer ID), but its old
//     entry lingers in other nodes' tables, which keep reaching it through
//     it, and the ring does not become the ideal ring of [chord.CheckStable]
//     until they drop it.
//   - Chord is not Byzantine fault tolerant (see [chord]): an authenticated
//     member can still lie in its answers and misroute lookups.
//     Authentication stops impersonation, forged neighbours and chosen
//     ring positions; ticket checks stop unauthorised stores.
//   - A peer can make a node allocate up to MaxFrameSize per open stream
//     by announcing a frame and sending it slowly; the libp2p resource
//     manager (its defaults, or HostOptions) bounds the streams.
//   - A client (StartClient) refreshes its routes every StabilizeInterval
//     through the nodes it knows; a client that loses every one of them
//     (successors, fingers and bootstrap nodes) between two refreshes
//     cannot reach the ring again.
//   - The bitstore command's swarm key file holds the tracker's signing
//     key: every member who can put files can sign tickets. A deployment
//     with a separate tracker would issue tickets over the network
//     ([chord.TicketIssuer]).
//
// # References
//
//   - A. Ramachandran, A. Das Sarma, N. Feamster, "BitStore: an
//     incentive-compatible solution for blocked downloads in BitTorrent",
//     the library's paper 002: §4.1–4.4.
//   - I. Stoica et al., "Chord: a scalable peer-to-peer lookup service for
//     Internet applications", ACM SIGCOMM 2001.
//   - libp2p specifications: https://github.com/libp2p/specs (peer IDs:
//     peer-ids/peer-ids.md).
package p2p
