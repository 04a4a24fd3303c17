// Package token implements BitStore's payment tokens (paper 002 §5.1–5.2):
// fixed-denomination bearer tokens sold by an exchange as RSA blind
// signatures ([RFC 9474], circl's blindsign/blindrsa), a spent-token
// registry that refuses double spending, and an escrow that pays the
// seller only after the buyer confirms the chunk it bought verified, with
// a refund on timeout.
//
// # Protocol overview
//
//	wallet (buyer)                exchange                     seller
//	  NewWithdrawal(n) ── blinded requests ──▶
//	                                Buy: blind-sign, Minted += n
//	  Finalize ◀── blind signatures ──
//	  ... wins an auction at price p ...
//	  Escrow(p tokens, payee lock, payer lock) ──▶
//	                                verify, mark spent, Escrowed += p
//	  ◀── escrow id, deadline
//	  escrow id ──────────────────────────────────────────────▶
//	                                                  serves the chunk
//	  verifies the chunk
//	  Confirm(id, payer secret) ──▶ confirmed
//	                                ◀── Collect(id, payee secret, p blinded requests)
//	                                Escrowed −= p, Redeemed += p, Minted += p
//	                                ── p blind signatures ──▶   earned tokens
//
// If the buyer never confirms (the chunk did not come, or did not verify),
// it calls Refund after the deadline and receives p fresh tokens instead.
//
// Both sides' payouts are fresh blind withdrawals, so the exchange can
// link neither a spent token to its purchase nor an earned token to the
// payment that earned it. The escrow locks are hashes of per-payment
// secrets, so the exchange learns no identities; the only link it sees is
// the one it needs, between an escrow and its two locks.
//
// # Books
//
// [Exchange.Stats] keeps, in tokens,
//
//	Minted    = Outstanding + Escrowed + Redeemed
//	Purchased = Outstanding + Escrowed + CashedOut
//
// where Outstanding are the valid unspent tokens held in wallets: value is
// neither created nor lost by any sequence of calls, successful or failed.
// The tests check both identities against the wallets' actual contents
// after random (and fuzzed) operation sequences and concurrent double
// spending; [Exchange.Audit] recomputes them from the registry.
//
// # Interpretation and limits
//
// The paper names digital cash without choosing a scheme; this package
// chooses Chaum-style blind RSA, which gives unlinkability but, being
// online, needs the exchange to see every spend. One token is one unit of
// the exchange's single denomination; an exchange wanting several
// denominations runs one key per denomination (tokens carry a [KeyID]).
// "Paid only after successful retrieval" is read as the escrow above:
// the buyer's confirmation is trusted, as the paper trusts the tracker;
// a buyer who withholds it recovers its tokens after the timeout, so a
// seller serving a dishonest buyer loses the service, not tokens.
//
// Blind signing costs a full RSA private-key operation with circl's
// verification of the result (3–6 ms at 2048 bits on the reference
// machine, a shared 2-core AMD EPYC: BenchmarkToken/Issue), verification
// about 30–40 µs (BenchmarkToken/Verify, over 20,000 per second), and a
// spend about the same (BenchmarkToken/Spend). A token encodes in
// [KeyIDSize] + [MessageSize] + modulus bytes: 352 bytes at 2048 bits.
// The blind signatures are RFC 9474's RSABSSA-SHA384-PSS-Randomized
// exactly: the tests run the RFC's test vector through the wallet's
// Prepare, Blind and Finalize steps with the vector's randomness, and
// through the exchange's blind signing; a token's message is the RFC's
// 32-byte random prefix followed by a 32-byte serial.
// An exchange publishes its key
// as PKIX DER ([PublicKey.MarshalBinary], [ParsePublicKey]).
//
// Payouts ([Exchange.Collect], [Exchange.Refund]) are idempotent: a party
// whose reply was lost asks again with the same blinded requests and gets
// the same signatures, so a dropped message costs no tokens.
//
// Closed escrows are kept for such retries for [Config].ClosedRetention
// (an hour by default) and at most [Config].MaxClosedEscrows of them, so
// their memory is bounded. The spent-token registry lives in memory and
// grows with every token ever spent (it must, to refuse double spending);
// a deployment would persist it, rotate keys and retire the registry of
// an expired key. Keys have [MinKeyBits] to [MaxKeyBits] bits. The exchange sees each escrow's amount and
// time, which an exchange that also watched the auctions could correlate
// with prices. Warning: the wallet trusts the exchange's public key; it
// does not check that the key was honestly generated (see RFC 9474's
// security considerations), and the exchange could tag users by giving
// them different keys unless the key is published once for all.
//
// [RFC 9474]: https://www.rfc-editor.org/rfc/rfc9474
package token
