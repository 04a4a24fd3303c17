package chord

import (
	"encoding/binary"
	"fmt"
)

// blockVersion is the first byte of an encoded [Block].
const blockVersion = 1

// blockHeader is the size of an encoded [Block] without its data.
const blockHeader = 1 + 8 + TicketSize

// AppendBinary appends the encoding of b to dst, for a durable
// [BlockStore]: version(1) expires(8) ticket(TicketSize) data. The key is
// the ticket's; AppendBinary fails if b.Key differs from it, or if the data
// is empty or longer than MaxBlockSize.
func (b *Block) AppendBinary(dst []byte) ([]byte, error) {
	if b.Key != b.Ticket.Key {
		return nil, fmt.Errorf("%w: block key %v is not its ticket's %v", ErrMalformed, b.Key, b.Ticket.Key)
	}
	if len(b.Data) == 0 || len(b.Data) > MaxBlockSize {
		return nil, fmt.Errorf("%w: block of %d bytes", ErrMalformed, len(b.Data))
	}
	dst = append(dst, blockVersion)
	dst = binary.BigEndian.AppendUint64(dst, uint64(b.Expires))
	dst, _ = b.Ticket.AppendBinary(dst)
	return append(dst, b.Data...), nil
}

// MarshalBinary returns the encoding of b (see [Block.AppendBinary]).
func (b *Block) MarshalBinary() ([]byte, error) {
	return b.AppendBinary(make([]byte, 0, blockHeader+len(b.Data)))
}

// UnmarshalBinary decodes a block encoded by [Block.MarshalBinary],
// copying its data. It rejects an unknown version, a truncated header, and
// empty or oversize data; on error b is unchanged. It does not verify the
// ticket's signature.
func (b *Block) UnmarshalBinary(p []byte) error {
	if len(p) < blockHeader {
		return fmt.Errorf("%w: block of %d bytes", ErrMalformed, len(p))
	}
	if p[0] != blockVersion {
		return fmt.Errorf("%w: block version %d", ErrMalformed, p[0])
	}
	data := p[blockHeader:]
	if len(data) == 0 || len(data) > MaxBlockSize {
		return fmt.Errorf("%w: block data of %d bytes", ErrMalformed, len(data))
	}
	var u Block
	u.Expires = int64(binary.BigEndian.Uint64(p[1:]))
	// mutation: equivalent — the slice is exactly TicketSize bytes.
	if err := u.Ticket.UnmarshalBinary(p[9:blockHeader]); err != nil {
		return err
	}
	u.Key = u.Ticket.Key
	u.Data = append([]byte(nil), data...)
	*b = u
	return nil
}
