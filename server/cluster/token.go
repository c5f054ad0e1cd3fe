package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Errors of Verify. Each names one reason a token is refused; the wrapped message carries detail.
var (
	ErrTokenMalformed = errors.New("cluster: token is malformed")
	ErrTokenAlgorithm = errors.New("cluster: token is not signed with HS256")
	ErrTokenSignature = errors.New("cluster: token signature is invalid")
	ErrTokenExpired   = errors.New("cluster: token is expired")
	ErrTokenClaims    = errors.New("cluster: token claims are invalid")
	ErrTokenUsed      = errors.New("cluster: token was already used")
)

// Kind says what a token grants.
type Kind string

const (
	// KindReservation grants a seat an owner reserved for a player; it is honoured once.
	KindReservation Kind = "reservation"
	// KindResume lets a player whose connection dropped take its seat back, on whichever node it lands.
	KindResume Kind = "resume"
)

// issuer marks tokens made by this package, so that a JWT signed for something else with the same
// key is not taken for one of ours.
const issuer = "tickwire"

// Claims is what a token says: which node holds which seat of which room, for whom, until when.
type Claims struct {
	Kind   Kind
	Node   string // the node that holds the seat (the room's owner)
	Game   string
	Room   string
	Name   string // the player's name
	Seat   int
	Player uint32 // the player id in the room, when the owner assigned one
	// ID is the token's one-time id (jti): an owner records it when the token is used (see [Ledger]).
	ID string
	// Expires is when the token stops being valid; tokens carry whole seconds.
	Expires time.Time
}

type jwtClaims struct {
	Kind   Kind   `json:"knd"`
	Node   string `json:"nod"`
	Game   string `json:"gam"`
	Room   string `json:"rom"`
	Name   string `json:"nam,omitempty"`
	Seat   int    `json:"sea"`
	Player uint32 `json:"ply,omitempty"`
	jwt.RegisteredClaims
}

// Signer signs and verifies tokens with one shared HS256 key: any node with the key verifies a token
// made by any other, without a database.
type Signer struct{ key []byte }

// NewSigner returns a Signer for key, which must have at least 32 bytes.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < minKeyBytes {
		return nil, fmt.Errorf("cluster: token key has %d bytes, at least %d are required", len(key), minKeyBytes)
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

// NewID returns a random one-time id for a token.
func NewID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Sign returns c as a signed token. c must name a kind, node, game and room, an id and an expiry.
func (s *Signer) Sign(c Claims) (string, error) {
	if c.Kind == "" || c.Node == "" || c.Game == "" || c.Room == "" || c.ID == "" || c.Expires.IsZero() {
		return "", fmt.Errorf("%w: kind, node, game, room, id and expiry are required", ErrTokenClaims)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwtClaims{
		Kind: c.Kind, Node: c.Node, Game: c.Game, Room: c.Room, Name: c.Name, Seat: c.Seat, Player: c.Player,
		RegisteredClaims: jwt.RegisteredClaims{Issuer: issuer, ID: c.ID, ExpiresAt: jwt.NewNumericDate(c.Expires)},
	})
	return t.SignedString(s.key)
}

// Verify checks token's algorithm (HS256 only: "none" and every other is refused), signature,
// issuer and expiry at now, and returns its claims. Each refusal wraps one of the ErrToken errors.
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	var jc jwtClaims
	_, err := jwt.ParseWithClaims(token, &jc, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodHS256 {
			return nil, fmt.Errorf("%w (alg %v)", ErrTokenAlgorithm, t.Header["alg"])
		}
		return s.key, nil
	}, jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithExpirationRequired(), jwt.WithIssuer(issuer))
	switch {
	case err == nil:
	case errors.Is(err, ErrTokenAlgorithm):
		return Claims{}, fmt.Errorf("%w: %v", ErrTokenAlgorithm, err)
	case errors.Is(err, jwt.ErrTokenMalformed):
		return Claims{}, fmt.Errorf("%w: %v", ErrTokenMalformed, err)
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		// An alg jwt does not know is refused before our key function runs.
		return Claims{}, fmt.Errorf("%w: %v", ErrTokenAlgorithm, err)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return Claims{}, fmt.Errorf("%w: %v", ErrTokenSignature, err)
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, fmt.Errorf("%w: %v", ErrTokenExpired, err)
	default:
		return Claims{}, fmt.Errorf("%w: %v", ErrTokenClaims, err)
	}
	c := Claims{Kind: jc.Kind, Node: jc.Node, Game: jc.Game, Room: jc.Room, Name: jc.Name, Seat: jc.Seat,
		Player: jc.Player, ID: jc.ID, Expires: jc.ExpiresAt.Time}
	if (c.Kind != KindReservation && c.Kind != KindResume) || c.Node == "" || c.Game == "" || c.Room == "" || c.ID == "" {
		return Claims{}, fmt.Errorf("%w: kind %q, node %q, game %q, room %q, id %q", ErrTokenClaims, c.Kind, c.Node, c.Game, c.Room, c.ID)
	}
	return c, nil
}

// Ledger remembers the one-time ids of tokens already used until they expire, so that the node
// that honours a reservation honours it once. It is safe for concurrent use; an entry is dropped
// once its token has expired (it would be refused as expired anyway), so the ledger holds at most
// the tokens used within one ReservationTTL.
type Ledger struct {
	mu        sync.Mutex
	used      map[string]time.Time
	nextSweep time.Time // expired ids are dropped at most once a second, not at every Use
}

// Use records c's id as used at now, or returns ErrTokenUsed if it already was.
func (l *Ledger) Use(c Claims, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.used == nil {
		l.used = make(map[string]time.Time)
	}
	if !now.Before(l.nextSweep) {
		for id, exp := range l.used {
			if now.After(exp) {
				delete(l.used, id)
			}
		}
		l.nextSweep = now.Add(time.Second)
	}
	if _, ok := l.used[c.ID]; ok {
		return fmt.Errorf("%w: id %s", ErrTokenUsed, c.ID)
	}
	l.used[c.ID] = c.Expires
	return nil
}
