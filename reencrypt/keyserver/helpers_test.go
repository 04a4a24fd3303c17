package keyserver

import (
	"bytes"
	"encoding/base64"
	"io"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
