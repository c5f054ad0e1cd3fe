package app

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestReplayOffer(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var asked []string
	found := map[string]string{"arena/r1": "arena-r1-9"}
	var watched []string
	o := &ReplayOffer{
		find: func(_ context.Context, game, room string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, game+"/"+room)
			return found[game+"/"+room], nil
		},
		watch: func(id string) { watched = append(watched, id) },
	}
	wait := func(looked int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if _, n := o.Newest(); n >= looked {
				return
			}
		}
		t.Fatalf("lookup %d never finished", looked)
	}
	t0 := time.Unix(1000, 0)
	o.Look(t0, false) // no room yet: nothing to look up
	o.setRoom("arena", "r2")
	o.Look(t0, false)
	wait(1)
	if id, _ := o.Newest(); id != "" {
		t.Fatalf("room r2 has no replay, offered %q", id)
	}
	o.Watch()
	o.Look(t0.Add(lookEvery/2), false) // too soon
	o.Look(t0.Add(lookEvery), false)
	wait(2)
	o.Look(t0.Add(lookEvery+time.Second), true) // the player asked: at once
	wait(3)
	o.setRoom("arena", "r1") // another room forgets what was found
	if id, n := o.Newest(); id != "" || n != 0 {
		t.Fatalf("a new room starts with %q after %d lookups", id, n)
	}
	o.Look(t0.Add(lookEvery+2*time.Second), false)
	wait(1)
	if id, _ := o.Newest(); id != "arena-r1-9" {
		t.Fatalf("room r1's replay: %q", id)
	}
	o.Watch()
	mu.Lock()
	defer mu.Unlock()
	want := []string{"arena/r2", "arena/r2", "arena/r2", "arena/r1"}
	if len(asked) != len(want) {
		t.Fatalf("looked up %v, want %v", asked, want)
	}
	for i := range want {
		if asked[i] != want[i] {
			t.Fatalf("looked up %v, want %v", asked, want)
		}
	}
	if len(watched) != 1 || watched[0] != "arena-r1-9" {
		t.Errorf("watched %v, want only arena-r1-9 (nothing while none was found)", watched)
	}
	var none *ReplayOffer
	none.Look(t0, true)
	none.Watch()
	if id, n := none.Newest(); id != "" || n != 0 {
		t.Error("a nil offer offers something")
	}
}
