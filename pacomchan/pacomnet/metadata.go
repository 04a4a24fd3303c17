package pacomnet

import (
	"strconv"

	"github.com/swarmblocks/swarmblocks/peerwire"
)

// BEP 9 (ut_metadata over the BEP 10 extension protocol): a client that
// knows only I_x, from get_peers, fetches the info dictionary from any
// member of the swarm.
const (
	utMetadataID    = 2 // our extended message id for ut_metadata
	metadataPieceSz = 16 << 10
)

// sendExtendedHandshake announces ut_metadata and the metadata size; c.mu
// is held.
func (c *Client) sendExtendedHandshake(cn *conn) {
	info := cn.sw.file.InfoDict()
	p := []byte("d1:md11:ut_metadatai")
	p = strconv.AppendInt(p, utMetadataID, 10)
	p = append(p, "ee13:metadata_sizei"...)
	p = strconv.AppendInt(p, int64(len(info)), 10)
	p = append(p, "ee"...)
	c.send(cn, &peerwire.Message{Type: peerwire.Extended, ExtendedID: 0, Payload: p})
}

// onExtended handles a BEP 10 message; c.mu is held.
func (c *Client) onExtended(cn *conn, m *peerwire.Message) {
	d, n, err := decodeDict(m.Payload)
	if err != nil {
		c.stats.UnknownMessages++
		return
	}
	if m.ExtendedID == 0 { // the peer's extended handshake
		if mm, ok := d["m"].(map[string]any); ok {
			if id, ok := mm["ut_metadata"].(int64); ok && id > 0 && id < 256 {
				cn.peerMetadataID = byte(id)
			}
		}
		return
	}
	if m.ExtendedID != utMetadataID || cn.peerMetadataID == 0 {
		c.stats.UnknownMessages++
		return
	}
	typ, _ := d["msg_type"].(int64)
	piece, ok := d["piece"].(int64)
	if typ != 0 || !ok || n != len(m.Payload) {
		return // only requests are answered; data and rejects are not ours
	}
	info := cn.sw.file.InfoDict()
	total := int64(len(info))
	if piece < 0 || piece*metadataPieceSz >= total {
		p := []byte("d8:msg_typei2e5:piecei")
		p = strconv.AppendInt(p, piece, 10)
		p = append(p, "ee"...)
		c.send(cn, &peerwire.Message{Type: peerwire.Extended, ExtendedID: cn.peerMetadataID, Payload: p})
		return
	}
	end := min(total, (piece+1)*metadataPieceSz)
	p := []byte("d8:msg_typei1e5:piecei")
	p = strconv.AppendInt(p, piece, 10)
	p = append(p, "e10:total_sizei"...)
	p = strconv.AppendInt(p, total, 10)
	p = append(p, "ee"...)
	p = append(p, info[piece*metadataPieceSz:end]...)
	c.send(cn, &peerwire.Message{Type: peerwire.Extended, ExtendedID: cn.peerMetadataID, Payload: p})
}
