package drm

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// capsuleFile keeps a downloader's capsules across restarts: the
// concatenation of their fixed-size wire forms ([reencrypt.CapsuleSize]
// each), appended as they arrive. Capsules are not secret — each is useless
// without its owner's private key — so the file needs no protection beyond
// integrity, and every capsule read back is checked again against the
// expected hashes. A torn last record (a crash mid-append) is ignored.
type capsuleFile struct {
	f       *os.File
	size    int
	loaded  []*reencrypt.Capsule
	pending []byte // records added since the last flush
}

func openCapsuleFile(path string, g group.Group) (*capsuleFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("drm: capsule file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("drm: capsule file: %w", err)
	}
	cf := &capsuleFile{f: f, size: reencrypt.CapsuleSize(g)}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("drm: capsule file: %w", err)
	}
	whole := len(data) - len(data)%cf.size
	for off := 0; off < whole; off += cf.size {
		c, err := reencrypt.ParseCapsule(g, data[off:off+cf.size])
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%w: record %d: %w", ErrCapsuleFile, off/cf.size, err)
		}
		cf.loaded = append(cf.loaded, c)
	}
	// Drop a torn record, so that appends stay aligned.
	if err := f.Truncate(int64(whole)); err != nil {
		f.Close()
		return nil, fmt.Errorf("drm: capsule file: %w", err)
	}
	if _, err := f.Seek(int64(whole), io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("drm: capsule file: %w", err)
	}
	return cf, nil
}

// add queues the wire form of a verified capsule for the next flush. A
// record of the wrong size is not queued: it would misalign the file.
func (cf *capsuleFile) add(wire []byte) {
	if len(wire) == cf.size {
		cf.pending = append(cf.pending, wire...)
	}
}

// flush appends the queued records in one write.
func (cf *capsuleFile) flush() error {
	if len(cf.pending) == 0 {
		return nil
	}
	_, err := cf.f.Write(cf.pending)
	cf.pending = cf.pending[:0]
	return err
}

// close flushes the queued records and closes the file.
func (cf *capsuleFile) close() error {
	return errors.Join(cf.flush(), cf.f.Close())
}
