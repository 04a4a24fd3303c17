// Package peerwire is the BitTorrent peer wire protocol of [BEP 3]: the
// 68-byte handshake and the length-prefixed messages that follow it, with
// the message ids of the fast extension ([BEP 6]) and the extension
// protocol ([BEP 10]). It is the one BEP 3 codec of the module: package
// steg frames its HAVE and BITFIELD messages with it and the PACOM client
// of package pacomchan/pacomnet speaks it over TCP.
//
// Every message is parsed against the fixed length of its id; a message
// with an id this package does not know (BEP 52's hash messages 21–23, a
// future extension) is reported with [ErrUnknownType] together with its
// length, so that a caller can step over it. Nothing here does I/O beyond
// the [Reader] and [WriteHandshake]/[ReadHandshake] helpers; no function
// panics on input from the network.
//
// Sizes: a message's length prefix may not exceed the [Reader]'s limit
// ([DefaultMaxLength] unless set), which bounds what one message can make
// a reader allocate.
//
// [BEP 3]: https://www.bittorrent.org/beps/bep_0003.html
// [BEP 6]: https://www.bittorrent.org/beps/bep_0006.html
// [BEP 10]: https://www.bittorrent.org/beps/bep_0010.html
package peerwire
