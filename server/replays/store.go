package replays

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Meta describes one stored replay: what GET /api/replays lists.
type Meta struct {
	ID      string    `json:"id"`
	Game    string    `json:"game"`
	Room    string    `json:"room"`
	Players []string  `json:"players"` // everyone who played, in order of first arrival
	Started time.Time `json:"started"` // when the room began the file (its first keyframe); a label, the ticks do not depend on it
	// FirstTick and LastTick are the room's ticks the file covers: its keyframe's and its end's.
	FirstTick uint32  `json:"firstTick"`
	LastTick  uint32  `json:"lastTick"`
	Ticks     uint32  `json:"ticks"` // LastTick - FirstTick
	TickRate  int     `json:"tickRate"`
	Seconds   float64 `json:"seconds"` // Ticks / TickRate
	Bytes     int     `json:"bytes"`   // the file's size
	Node      string  `json:"node"`    // the cluster node that recorded it
	Reason    string  `json:"reason"`  // why the file ended: closed, moved, cut, empty
}

// Store keeps replays. Its methods are safe for concurrent use.
type Store interface {
	// Save stores data, a replay file, under meta.ID (which CheckID accepts), then deletes the
	// oldest replays beyond the store's limit.
	Save(meta Meta, data []byte) error
	// List returns the newest replays first (by Started, then ID), at most limit of them.
	List(limit int) ([]Meta, error)
	// Open returns the file and metadata of replay id; an unknown or malformed id is an error
	// matching ErrNotFound.
	Open(id string) ([]byte, Meta, error)
}

// ErrNotFound is returned by Open for a replay that is not stored, or an id that cannot be one.
var ErrNotFound = errors.New("replays: no such replay")

// DefaultKeep is how many replays a store keeps when its configuration says 0.
const DefaultKeep = 500

// MaxFile is the largest replay file a store takes: a 10-minute file of a full arena room is a few
// hundred kilobytes, so this is far beyond any real recording and bounds a bad one.
const MaxFile = 64 << 20

var idRe = regexp.MustCompile(`^[a-z0-9-]{1,80}$`)

// CheckID reports whether id can name a replay: 1 to 80 of a-z, 0-9 and '-' (what NewID makes),
// so that it is safe as a file name, an object name and a URL path segment alike.
func CheckID(id string) error {
	if !idRe.MatchString(id) {
		return fmt.Errorf("%w: %q is not a replay id (1 to 80 of a-z, 0-9, '-')", ErrNotFound, truncate(id, 90))
	}
	return nil
}

// NewID returns a new replay id: the game and room (lower-cased, other characters as '-', each cut
// to 20), the start time in base 36 milliseconds and 6 random hex digits, e.g.
// "pong-duel-mi8u2x1c-3fa91b". The random part keeps two files of one room that started in the
// same millisecond (a handoff's) apart.
func NewID(game, room string, started time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return slug(game) + "-" + slug(room) + "-" + strconv.FormatInt(started.UnixMilli(), 36) + "-" + hex.EncodeToString(b[:])
}

// slug lower-cases s and turns every rune but a-z and 0-9 into '-', cut to 20 bytes; "x" for none.
func slug(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if sb.Len() == 20 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('-')
		}
	}
	if sb.Len() == 0 {
		return "x"
	}
	return sb.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// newestFirst orders metas newest first: by Started, then by ID for a stable order.
func newestFirst(a, b Meta) int {
	if c := b.Started.Compare(a.Started); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// checkSave refuses what no store may keep.
func checkSave(meta Meta, data []byte) error {
	if err := CheckID(meta.ID); err != nil {
		return fmt.Errorf("replays: save: %v", err)
	}
	if len(data) == 0 || len(data) > MaxFile {
		return fmt.Errorf("replays: save %s: %d bytes (1 to %d are kept)", meta.ID, len(data), MaxFile)
	}
	return nil
}

// newest sorts metas newest first and returns at most limit of them (all for limit <= 0).
func newest(metas []Meta, limit int) []Meta {
	slices.SortFunc(metas, newestFirst)
	if limit > 0 && len(metas) > limit {
		metas = metas[:limit]
	}
	return metas
}
