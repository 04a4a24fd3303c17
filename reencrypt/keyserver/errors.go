package keyserver

import (
	"errors"
	"fmt"
	"net/http"
)

// The sentinel errors of the key server. The server answers each with its
// HTTP status and a JSON body {"code": …, "error": …}; the [Client] returns
// an [*Error] that matches the same sentinel with errors.Is.
var (
	// ErrMalformed: the request is not well formed (bad JSON, unknown
	// fields, bad identifiers or keys, piece indices out of range). 400.
	ErrMalformed = errors.New("keyserver: malformed request")
	// ErrUnauthenticated: no or bad Authorization header, or a signature
	// that does not verify. 401.
	ErrUnauthenticated = errors.New("keyserver: request not authenticated")
	// ErrStale: the request's timestamp is outside the server's clock-skew
	// window. 401.
	ErrStale = errors.New("keyserver: request timestamp outside the allowed clock skew")
	// ErrReplay: the request's nonce was seen before. 401.
	ErrReplay = errors.New("keyserver: request replayed")
	// ErrForbidden: the caller may not have what it asked for. 403.
	ErrForbidden = errors.New("keyserver: caller not authorised")
	// ErrUnknownPeer: a peer named in the request is not subscribed. 404.
	ErrUnknownPeer = errors.New("keyserver: unknown peer")
	// ErrNotFound: no such endpoint. 404.
	ErrNotFound = errors.New("keyserver: no such endpoint")
	// ErrMethod: the endpoint does not take this method. 405.
	ErrMethod = errors.New("keyserver: method not allowed")
	// ErrConflict: the key or the authentication key is already bound to
	// another subscription. 409.
	ErrConflict = errors.New("keyserver: subscription conflicts with an existing one")
	// ErrTooLarge: the request body exceeds [MaxBodySize]. 413.
	ErrTooLarge = errors.New("keyserver: request body too large")
	// ErrBusy: the replay cache or the subscription table is full; retry
	// later. 503.
	ErrBusy = errors.New("keyserver: server busy, retry later")
)

// codes lists every sentinel with its wire code and HTTP status.
var codes = []struct {
	err    error
	code   string
	status int
}{
	{ErrMalformed, "malformed", http.StatusBadRequest},
	{ErrUnauthenticated, "unauthenticated", http.StatusUnauthorized},
	{ErrStale, "stale", http.StatusUnauthorized},
	{ErrReplay, "replay", http.StatusUnauthorized},
	{ErrForbidden, "forbidden", http.StatusForbidden},
	{ErrUnknownPeer, "unknown_peer", http.StatusNotFound},
	{ErrNotFound, "not_found", http.StatusNotFound},
	{ErrMethod, "method", http.StatusMethodNotAllowed},
	{ErrConflict, "conflict", http.StatusConflict},
	{ErrTooLarge, "too_large", http.StatusRequestEntityTooLarge},
	{ErrBusy, "busy", http.StatusServiceUnavailable},
}

// Error is an error answer of the key server, as the [Client] returns it.
// It matches its sentinel with errors.Is: errors.Is(err, ErrForbidden).
type Error struct {
	Status  int    // the HTTP status
	Code    string // the wire code, such as "forbidden"
	Message string // the server's message
}

func (e *Error) Error() string {
	return fmt.Sprintf("keyserver: %d %s: %s", e.Status, e.Code, e.Message)
}

// Unwrap returns the sentinel of e's code, or nil for a code this version
// does not know.
func (e *Error) Unwrap() error {
	for _, c := range codes {
		if c.code == e.Code {
			return c.err
		}
	}
	return nil
}

// classify returns the code and status of a server-side error; anything
// unclassified is an internal error.
func classify(err error) (string, int) {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code, c.status
		}
	}
	return "internal", http.StatusInternalServerError
}
