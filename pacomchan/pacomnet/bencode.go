package pacomnet

import (
	"errors"
	"strconv"
)

// errBencode is returned for input that is not the small bencoded
// dictionary BEP 9 and BEP 10 messages carry.
var errBencode = errors.New("pacomnet: malformed bencoding")

const maxBencodeDepth = 4

// decodeDict parses a bencoded dictionary at the start of b (integers,
// byte strings and nested dictionaries; lists are skipped) and returns it
// with the number of bytes it took. Values are int64, string or
// map[string]any.
func decodeDict(b []byte) (map[string]any, int, error) {
	v, n, err := decodeValue(b, 0)
	if err != nil {
		return nil, 0, err
	}
	d, ok := v.(map[string]any)
	if !ok {
		return nil, 0, errBencode
	}
	return d, n, nil
}

func decodeValue(b []byte, depth int) (any, int, error) {
	if len(b) == 0 || depth > maxBencodeDepth {
		return nil, 0, errBencode
	}
	switch c := b[0]; {
	case c == 'i':
		end := indexByte(b, 'e')
		if end < 2 {
			return nil, 0, errBencode
		}
		v, err := strconv.ParseInt(string(b[1:end]), 10, 64)
		if err != nil {
			return nil, 0, errBencode
		}
		return v, end + 1, nil
	case c >= '0' && c <= '9':
		colon := indexByte(b, ':')
		if colon < 1 || colon > 10 {
			return nil, 0, errBencode
		}
		l, err := strconv.Atoi(string(b[:colon]))
		if err != nil || l < 0 || l > len(b)-colon-1 {
			return nil, 0, errBencode
		}
		return string(b[colon+1 : colon+1+l]), colon + 1 + l, nil
	case c == 'd':
		d := map[string]any{}
		i := 1
		for {
			if i >= len(b) {
				return nil, 0, errBencode
			}
			if b[i] == 'e' {
				return d, i + 1, nil
			}
			k, n, err := decodeValue(b[i:], depth+1)
			if err != nil {
				return nil, 0, err
			}
			key, ok := k.(string)
			if !ok {
				return nil, 0, errBencode
			}
			i += n
			v, n, err := decodeValue(b[i:], depth+1)
			if err != nil {
				return nil, 0, err
			}
			i += n
			d[key] = v
		}
	case c == 'l':
		i := 1
		for {
			if i >= len(b) {
				return nil, 0, errBencode
			}
			if b[i] == 'e' {
				return nil, i + 1, nil // lists are not needed: skipped
			}
			_, n, err := decodeValue(b[i:], depth+1)
			if err != nil {
				return nil, 0, err
			}
			i += n
		}
	}
	return nil, 0, errBencode
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
