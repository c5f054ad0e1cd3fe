package replays

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Dir is a Store in a directory of one node: each replay is ID.twr (the file) beside ID.json (its
// Meta). The .json is written last, so a replay without one was never finished and is not listed.
// The index of every Meta lives in memory, read once by OpenDir: List reads no file.
type Dir struct {
	dir  string
	keep int

	mu      sync.Mutex
	metas   map[string]Meta
	skipped []string // why OpenDir set metadata files aside
}

// Skipped says which metadata files OpenDir found unreadable and set aside (renamed to .json.bad),
// and why, for the server's log.
func (d *Dir) Skipped() []string { return d.skipped }

// OpenDir opens (creating it if needed) the directory dir as a Store that keeps the keep newest
// replays (DefaultKeep for 0), and reads the metadata already there.
func OpenDir(dir string, keep int) (*Dir, error) {
	if keep <= 0 {
		keep = DefaultKeep
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("replays: %w", err)
	}
	d := &Dir{dir: dir, keep: keep, metas: map[string]Meta{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("replays: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") { // a save cut short by a crash
			_ = os.Remove(filepath.Join(dir, name))
			continue
		}
		id, ok := strings.CutSuffix(name, ".json")
		if !ok || CheckID(id) != nil {
			continue
		}
		m, err := d.readMeta(id)
		if err != nil {
			// Unreadable (a crash mid-write, a hand edit): set aside for a person to look at, out of
			// the index, rather than refusing to start.
			_ = os.Rename(d.path(id, ".json"), d.path(id, ".json.bad"))
			d.skipped = append(d.skipped, err.Error())
			continue
		}
		d.metas[id] = m
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.trim()
	return d, nil
}

// Save writes the replay's file, then its metadata, each through a temporary file renamed into
// place, then deletes the oldest replays beyond the limit.
func (d *Dir) Save(meta Meta, data []byte) error {
	if err := checkSave(meta, data); err != nil {
		return err
	}
	js, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("replays: save %s: %w", meta.ID, err)
	}
	if err := writeFile(d.path(meta.ID, ".twr"), data); err != nil {
		return err
	}
	if err := writeFile(d.path(meta.ID, ".json"), js); err != nil {
		_ = os.Remove(d.path(meta.ID, ".twr"))
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.metas[meta.ID] = meta
	d.trim()
	return nil
}

// List returns the newest replays first, at most limit (all for limit <= 0).
func (d *Dir) List(limit int) ([]Meta, error) {
	d.mu.Lock()
	metas := make([]Meta, 0, len(d.metas))
	for _, m := range d.metas {
		metas = append(metas, m)
	}
	d.mu.Unlock()
	return newest(metas, limit), nil
}

// Open returns replay id's file and metadata.
func (d *Dir) Open(id string) ([]byte, Meta, error) {
	if err := CheckID(id); err != nil {
		return nil, Meta{}, err
	}
	d.mu.Lock()
	m, ok := d.metas[id]
	d.mu.Unlock()
	if !ok {
		return nil, Meta{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	data, err := os.ReadFile(d.path(id, ".twr"))
	if errors.Is(err, fs.ErrNotExist) { // deleted meanwhile by the limit
		return nil, Meta{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	} else if err != nil {
		return nil, Meta{}, fmt.Errorf("replays: %w", err)
	}
	return data, m, nil
}

// trim deletes the oldest replays beyond the limit. d.mu is held.
func (d *Dir) trim() {
	if len(d.metas) <= d.keep {
		return
	}
	metas := make([]Meta, 0, len(d.metas))
	for _, m := range d.metas {
		metas = append(metas, m)
	}
	slices.SortFunc(metas, newestFirst)
	for _, m := range metas[d.keep:] {
		// The .json goes first: a crash between the two leaves an unlisted file, never a listed
		// replay without its file.
		_ = os.Remove(d.path(m.ID, ".json"))
		_ = os.Remove(d.path(m.ID, ".twr"))
		delete(d.metas, m.ID)
	}
}

func (d *Dir) readMeta(id string) (Meta, error) {
	b, err := os.ReadFile(d.path(id, ".json"))
	if err != nil {
		return Meta{}, fmt.Errorf("replays: %w", err)
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil || m.ID != id {
		return Meta{}, fmt.Errorf("replays: %s is not the metadata of replay %s (%v)", d.path(id, ".json"), id, err)
	}
	return m, nil
}

func (d *Dir) path(id, ext string) string { return filepath.Join(d.dir, id+ext) }

// writeFile writes data to path through a temporary file renamed into place, so that a reader never
// sees half a file.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("replays: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("replays: %w", err)
	}
	return nil
}
