package replays

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ObjectStore is a Store in a NATS JetStream object store shared by every node of the cluster (the
// bucket <prefix>_replays, which server/cluster's Node.Replays makes): each replay is one object
// named by its id, its Meta as JSON in the object's metadata. Any node lists and serves what any
// node saved.
type ObjectStore struct {
	os      jetstream.ObjectStore
	keep    int
	timeout time.Duration

	mu     sync.Mutex
	cached []Meta // every replay's Meta, newest first, as of cachedAt
	at     time.Time
}

// metaKey is the object metadata key holding a replay's Meta.
const metaKey = "tickwire-replay"

// listCache is how long List answers from the last listing: the lobby page of every visitor asks,
// and a listing reads every object's info from the bucket.
const listCache = 2 * time.Second

// NewObjectStore returns a Store in os that keeps the keep newest replays (DefaultKeep for 0).
// Each call to NATS is bounded by timeout (10 s for 0).
func NewObjectStore(os jetstream.ObjectStore, keep int, timeout time.Duration) *ObjectStore {
	if keep <= 0 {
		keep = DefaultKeep
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &ObjectStore{os: os, keep: keep, timeout: timeout}
}

// Save puts the replay as one object, then deletes the oldest beyond the limit.
func (s *ObjectStore) Save(meta Meta, data []byte) error {
	if err := checkSave(meta, data); err != nil {
		return err
	}
	js, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("replays: save %s: %w", meta.ID, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	// Trim first, to keep-1, so that the new file has room: a bucket at its MaxBytes refuses new
	// objects (the object store discards new, not old), and trimming after the put would never
	// run again.
	metas, err := s.all(ctx)
	if err != nil {
		return fmt.Errorf("replays: save %s: cannot list to trim: %w", meta.ID, err)
	}
	var errs []error
	if len(metas) >= s.keep {
		for _, m := range metas[s.keep-1:] {
			if err := s.os.Delete(ctx, m.ID); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
				errs = append(errs, err)
			}
		}
		metas = metas[:s.keep-1]
	}
	_, err = s.os.Put(ctx, jetstream.ObjectMeta{Name: meta.ID, Metadata: map[string]string{metaKey: string(js)}},
		bytes.NewReader(data))
	if err != nil && strings.Contains(err.Error(), "maximum bytes") {
		// Full by bytes before by count: make room from the oldest, a few at a time, and try again.
		for tries := 0; err != nil && len(metas) > 0 && tries < 8; tries++ {
			for _, m := range metas[max(0, len(metas)-8):] {
				_ = s.os.Delete(ctx, m.ID)
			}
			metas = metas[:max(0, len(metas)-8)]
			_, err = s.os.Put(ctx, jetstream.ObjectMeta{Name: meta.ID, Metadata: map[string]string{metaKey: string(js)}},
				bytes.NewReader(data))
		}
	}
	if err != nil {
		return fmt.Errorf("replays: save %s: %w", meta.ID, err)
	}
	metas = append([]Meta{meta}, metas...) // newest first, as all lists them
	s.mu.Lock()
	s.cached, s.at = metas, time.Now()
	s.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("replays: saved %s, but trimming: %w", meta.ID, err)
	}
	return nil
}

// List returns the newest replays first, at most limit (all for limit <= 0).
func (s *ObjectStore) List(limit int) ([]Meta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached == nil || time.Since(s.at) > listCache {
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		defer cancel()
		metas, err := s.all(ctx)
		if err != nil {
			return nil, fmt.Errorf("replays: list: %w", err)
		}
		s.cached, s.at = metas, time.Now()
	}
	n := len(s.cached)
	if limit > 0 {
		n = min(n, limit)
	}
	return append([]Meta(nil), s.cached[:n]...), nil
}

// Open returns replay id's file and metadata.
func (s *ObjectStore) Open(id string) ([]byte, Meta, error) {
	if err := CheckID(id); err != nil {
		return nil, Meta{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	res, err := s.os.Get(ctx, id)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, Meta{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	} else if err != nil {
		return nil, Meta{}, fmt.Errorf("replays: open %s: %w", id, err)
	}
	defer res.Close()
	info, err := res.Info()
	if err != nil {
		return nil, Meta{}, fmt.Errorf("replays: open %s: %w", id, err)
	}
	m, ok := metaOf(info)
	if !ok {
		return nil, Meta{}, fmt.Errorf("%w: %s is not a replay", ErrNotFound, id)
	}
	if info.Size > MaxFile {
		return nil, Meta{}, fmt.Errorf("replays: open %s: %d bytes, more than any replay", id, info.Size)
	}
	data, err := io.ReadAll(io.LimitReader(res, MaxFile))
	if err != nil {
		return nil, Meta{}, fmt.Errorf("replays: open %s: %w", id, err)
	}
	return data, m, nil
}

// all returns the Meta of every replay in the bucket, newest first.
func (s *ObjectStore) all(ctx context.Context) ([]Meta, error) {
	infos, err := s.os.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return []Meta{}, nil
	} else if err != nil {
		return nil, err
	}
	metas := make([]Meta, 0, len(infos))
	for _, info := range infos {
		if m, ok := metaOf(info); ok {
			metas = append(metas, m)
		}
	}
	return newest(metas, 0), nil
}

// metaOf reads the Meta an object carries; false for an object that is not a replay.
func metaOf(info *jetstream.ObjectInfo) (Meta, bool) {
	var m Meta
	if info == nil || info.Deleted || json.Unmarshal([]byte(info.Metadata[metaKey]), &m) != nil || m.ID != info.Name {
		return Meta{}, false
	}
	return m, true
}
