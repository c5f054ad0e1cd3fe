package cluster

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	testKey  = []byte("0123456789abcdef0123456789abcdef")
	otherKey = []byte("fedcba9876543210fedcba9876543210")
	t0       = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
)

func testClaims() Claims {
	return Claims{Kind: KindReservation, Node: "b", Game: "pong", Room: "friends", Name: "Ada", Seat: 1,
		Player: 7, ID: "abc123", Expires: t0.Add(15 * time.Second)}
}

func mustSigner(t *testing.T, key []byte) *Signer {
	t.Helper()
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	s := mustSigner(t, testKey)
	for _, kind := range []Kind{KindReservation, KindResume} {
		c := testClaims()
		c.Kind = kind
		tok, err := s.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Verify(tok, t0.Add(14*time.Second))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !got.Expires.Equal(c.Expires) {
			t.Fatalf("expires %v, want %v", got.Expires, c.Expires)
		}
		got.Expires = c.Expires
		if got != c {
			t.Fatalf("claims %+v, want %+v", got, c)
		}
		// Another node with the same key verifies it too: no state beyond the key.
		if _, err := mustSigner(t, testKey).Verify(tok, t0); err != nil {
			t.Fatal(err)
		}
	}
}

// forge makes a token with any header and claims, signed with sign (or with an empty signature).
func forge(header, claims string, sign func(string) string) string {
	enc := base64.RawURLEncoding.EncodeToString
	s := enc([]byte(header)) + "." + enc([]byte(claims))
	return s + "." + sign(s)
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	s := mustSigner(t, testKey)
	good, _ := s.Sign(testClaims())
	wrongKey, _ := mustSigner(t, otherKey).Sign(testClaims())
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"iss": issuer, "knd": "reservation",
		"nod": "b", "gam": "pong", "rom": "r", "jti": "x", "exp": t0.Add(time.Minute).Unix()}).SignedString(testKey)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iss": issuer, "knd": "reservation",
		"nod": "b", "gam": "pong", "rom": "r", "jti": "x", "exp": t0.Add(time.Minute).Unix()}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hmacWith := func(claims map[string]any) string {
		tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims)).SignedString(testKey)
		return tok
	}
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"tickwire","knd":"reservation","nod":"b","gam":"pong","rom":"friends","sea":9,"jti":"abc123","exp":9999999999}`)) + "." + parts[2]
	for _, tc := range []struct {
		name  string
		token string
		now   time.Time
		want  error
	}{
		{"expired", good, t0.Add(16 * time.Second), ErrTokenExpired},
		{"wrong key", wrongKey, t0, ErrTokenSignature},
		{"tampered claims", tampered, t0, ErrTokenSignature},
		{"alg none", none, t0, ErrTokenAlgorithm},
		{"alg none, hand-made", forge(`{"alg":"none","typ":"JWT"}`, `{"iss":"tickwire","knd":"reservation","nod":"b","gam":"g","rom":"r","jti":"x","exp":9999999999}`, func(string) string { return "" }), t0, ErrTokenAlgorithm},
		{"alg HS512", hs512, t0, ErrTokenAlgorithm},
		{"alg unknown", forge(`{"alg":"XX1","typ":"JWT"}`, `{}`, func(string) string { return "c2ln" }), t0, ErrTokenAlgorithm},
		{"empty", "", t0, ErrTokenMalformed},
		{"two parts", parts[0] + "." + parts[1], t0, ErrTokenMalformed},
		{"garbage", "a.b.c", t0, ErrTokenMalformed},
		{"no expiry", hmacWith(map[string]any{"iss": issuer, "knd": "reservation", "nod": "b", "gam": "g", "rom": "r", "jti": "x"}), t0, ErrTokenClaims},
		{"other issuer", hmacWith(map[string]any{"iss": "someone", "knd": "reservation", "nod": "b", "gam": "g", "rom": "r", "jti": "x", "exp": t0.Add(time.Minute).Unix()}), t0, ErrTokenClaims},
		{"unknown kind", hmacWith(map[string]any{"iss": issuer, "knd": "admin", "nod": "b", "gam": "g", "rom": "r", "jti": "x", "exp": t0.Add(time.Minute).Unix()}), t0, ErrTokenClaims},
		{"no id", hmacWith(map[string]any{"iss": issuer, "knd": "resume", "nod": "b", "gam": "g", "rom": "r", "exp": t0.Add(time.Minute).Unix()}), t0, ErrTokenClaims},
		{"no node", hmacWith(map[string]any{"iss": issuer, "knd": "resume", "gam": "g", "rom": "r", "jti": "x", "exp": t0.Add(time.Minute).Unix()}), t0, ErrTokenClaims},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.Verify(tc.token, tc.now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSignRefusesIncompleteClaims(t *testing.T) {
	t.Parallel()
	s := mustSigner(t, testKey)
	for _, drop := range []func(*Claims){
		func(c *Claims) { c.Kind = "" }, func(c *Claims) { c.Node = "" }, func(c *Claims) { c.Game = "" },
		func(c *Claims) { c.Room = "" }, func(c *Claims) { c.ID = "" }, func(c *Claims) { c.Expires = time.Time{} },
	} {
		c := testClaims()
		drop(&c)
		if _, err := s.Sign(c); !errors.Is(err, ErrTokenClaims) {
			t.Errorf("Sign(%+v) = %v, want ErrTokenClaims", c, err)
		}
	}
}

func TestNewSignerRefusesShortKey(t *testing.T) {
	t.Parallel()
	if _, err := NewSigner(testKey[:31]); err == nil {
		t.Fatal("a 31-byte key was accepted")
	}
}

func TestLedgerUsesOnce(t *testing.T) {
	t.Parallel()
	var l Ledger
	a, b := testClaims(), testClaims()
	b.ID = "other"
	if err := l.Use(a, t0); err != nil {
		t.Fatal(err)
	}
	if err := l.Use(a, t0.Add(time.Second)); !errors.Is(err, ErrTokenUsed) {
		t.Fatalf("second use: %v, want ErrTokenUsed", err)
	}
	if err := l.Use(b, t0.Add(time.Second)); err != nil {
		t.Fatalf("another token: %v", err)
	}
	// Once a has expired it is forgotten (Verify refuses it as expired by then).
	l.Use(b, t0.Add(time.Minute))
	if len(l.used) != 1 {
		t.Fatalf("ledger holds %d ids after a expired, want 1", len(l.used))
	}
}
