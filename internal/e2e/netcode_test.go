//go:build !js

package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// TestBadNetworkInChromium plays the arena in a page that simulates a bad network on its side
// (?net=bad: 150 ms RTT, 30 ms jitter, 5% loss) with the net graph shown from the start
// (?netgraph=1): the page measures the round trip through the simulated network, interpolates at a
// delay that covers it, its inputs reach the server and are applied, and F3 hides the graph.
func TestBadNetworkInChromium(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	browser := newBrowser(t)
	p := openPage(t, browser, "the bad network's page", base+"/?name=Sol&room=bad-net&net=bad&netgraph=1&mute=1")
	v := p.waitView("the page to measure the simulated network", 90*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && v.Snapshots > 20 && v.Net["ping"] > 0 && findPlayer(v, v.Player) != nil
	})
	if v.Net["ping"] < 150 || v.Net["delay"] < 95 || !v.NetGraph {
		t.Errorf("ping %v ms, interpolation delay %v ms, net graph shown %v; want at least 150 ms, 95 ms (two snapshot intervals, less rounding), shown",
			v.Net["ping"], v.Net["delay"], v.NetGraph)
	}
	// The page's inputs reach the server through the simulated network and are applied (the ack
	// climbs). Whether a held key moves the player far depends on the page's frame rate: in
	// software rendering the page's own event loop can add a second to the round trip, beyond the
	// half second the client aims ahead, so the movement is logged, not asserted.
	before := findPlayer(v, v.Player)
	p.hold("ArrowDown", 40, 1500*time.Millisecond)
	after := p.waitView("the server to apply the page's inputs", 30*time.Second, func(w netclient.DebugView) bool {
		return w.Ack >= v.Ack+30
	})
	t.Logf("through a bad network: ack %d → %d, the player from %s to %s; net %v", v.Ack, after.Ack,
		describe(before), describe(findPlayer(after, after.Player)), after.Net)
	p.screenshot(filepath.Join(artifactDir(t, www), "netgraph.png"))
	p.holdUntil("F3", 114, p, "F3 to hide the net graph", 10*time.Second, func(v netclient.DebugView) bool { return !v.NetGraph })
	if problems := p.consoleProblems(); len(problems) > 0 {
		t.Errorf("the page logged errors: %v", problems)
	}
}
