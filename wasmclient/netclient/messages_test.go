package netclient_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/internal/testserver"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

func waitFor[I any](t *testing.T, c *netclient.Client[I], what string, cond func(v netclient.View) bool) netclient.View {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v := c.View(); cond(v) {
			return v
		}
		if time.Now().After(deadline) {
			v := c.View()
			t.Fatalf("timed out waiting for %s; view: status %v, reason %q, %d snapshots, %d events", what, v.Status, v.Reason, v.Snapshots, v.Events)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestGameMessagesBothWaysAndASpectator(t *testing.T) {
	t.Parallel()
	url := testserver.Start(t)
	cfg := netclient.Config{URL: url, Room: "sums", Name: "ann", Messages: testgame.Game{}.Messages()}
	a := netclient.Dial[int8](cfg, testgame.Game{}, testgame.Schema)
	t.Cleanup(a.Close)
	if err := a.Send(&testgame.Jump{By: 1}); !errors.Is(err, netclient.ErrNotConnected) {
		t.Errorf("Send before the welcome: %v, want ErrNotConnected", err)
	}
	waitFor(t, a, "ann's welcome", func(v netclient.View) bool { return v.Status == netclient.Connected })

	watch := cfg
	watch.Name, watch.Spectate = "", true
	w := netclient.Dial[int8](watch, testgame.Game{}, testgame.Schema)
	t.Cleanup(w.Close)
	wv := waitFor(t, w, "the spectator's welcome", func(v netclient.View) bool { return v.Status == netclient.Connected })
	if !wv.Welcome.Spectator || wv.Welcome.Player != 0 {
		t.Fatalf("spectator's welcome %+v", wv.Welcome)
	}
	if err := w.Send(&testgame.Jump{By: 1}); !errors.Is(err, netclient.ErrSpectating) {
		t.Errorf("a spectator's Send: %v, want ErrSpectating", err)
	}
	if err := a.Send(&testgame.Jumped{Pos: 5}); !errors.Is(err, wire.ErrUnknownOp) {
		t.Errorf("sending a server → client message: %v, want ErrUnknownOp", err)
	}

	ann := a.View().Welcome.Player
	for _, n := range []int8{2, 3, 4} {
		if err := a.Send(&testgame.Jump{By: n}); err != nil {
			t.Fatal(err)
		}
	}
	want := []wire.Message{&testgame.Jumped{Player: ann, Pos: 2}, &testgame.Jumped{Player: ann, Pos: 5}, &testgame.Jumped{Player: ann, Pos: 9}}
	for _, c := range []*netclient.Client[int8]{a, w} {
		waitFor(t, c, "three jumps", func(v netclient.View) bool { return v.Events == 3 })
		if got := c.TakeEvents(nil); !reflect.DeepEqual(got, want) {
			t.Errorf("events %+v, want %+v", got, want)
		}
		if got := c.TakeEvents(nil); len(got) != 0 {
			t.Errorf("events taken twice: %+v", got)
		}
	}
	v := waitFor(t, w, "ann's position in a snapshot", func(v netclient.View) bool {
		return len(v.Entities) == 1 && v.Entities[0].Fields[0] == 9
	})
	if v.Ack != 0 || w.View().Status != netclient.Connected {
		t.Errorf("spectator: ack %d, status %v; want no input acknowledged and still connected", v.Ack, w.View().Status)
	}
	if d := netclient.Debug(v, testgame.Schema); !d.Spectator || d.Events != 3 {
		t.Errorf("spectator's debug view %+v", d)
	}
}

func TestEventQueueDropsTheOldest(t *testing.T) {
	t.Parallel()
	url := testserver.Start(t)
	c := netclient.Dial[int8](netclient.Config{URL: url, Name: "ann", Messages: testgame.Game{}.Messages(), EventQueue: 2}, testgame.Game{}, testgame.Schema)
	t.Cleanup(c.Close)
	ann := waitFor(t, c, "the welcome", func(v netclient.View) bool { return v.Status == netclient.Connected }).Welcome.Player
	for _, n := range []int8{1, 1, 1, 1} {
		if err := c.Send(&testgame.Jump{By: n}); err != nil {
			t.Fatal(err)
		}
	}
	v := waitFor(t, c, "four jumps", func(v netclient.View) bool { return v.Events == 4 })
	if got := c.TakeEvents(nil); !reflect.DeepEqual(got, []wire.Message{&testgame.Jumped{Player: ann, Pos: 3}, &testgame.Jumped{Player: ann, Pos: 4}}) || v.DroppedEvents != 2 {
		t.Errorf("kept %+v with %d dropped, want the newest two and 2 dropped", got, v.DroppedEvents)
	}
}
