//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// drawnText is a text the page's game drew and its box in CSS pixels (the debug view's texts).
type drawnText struct {
	Text       string
	X, Y, W, H float64
}

// texts returns the texts the page's game drew in its last frame, as its test hook reports them.
func (p *page) texts() []drawnText {
	p.t.Helper()
	s, err := p.eval(`typeof window.tickwireView === "function" ? JSON.stringify(JSON.parse(window.tickwireView()).texts || []) : "[]"`)
	if err != nil {
		p.t.Fatalf("%s: texts: %v", p.name, err)
	}
	var out []drawnText
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		p.t.Fatalf("%s: texts %s: %v", p.name, s, err)
	}
	return out
}

// waitText polls the page's drawn texts until one contains each of want, and returns them.
func (p *page) waitText(what string, timeout time.Duration, want ...string) []drawnText {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	var ts []drawnText
	for time.Now().Before(deadline) {
		ts = p.texts()
		all := true
		for _, w := range want {
			all = all && hasText(ts, w)
		}
		if all {
			return ts
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("%s: timed out after %s waiting for %s (texts %q); drawn %+v", p.name, timeout, what, want, ts)
	return ts
}

func hasText(ts []drawnText, s string) bool {
	for _, t := range ts {
		if strings.Contains(t.Text, s) {
			return true
		}
	}
	return false
}

// closeTab closes the page's tab, as a player closing it does: the connection drops without a
// goodbye from the game.
func (p *page) closeTab() {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.Close, cdp.Empty{})
		return err
	}))
	if err != nil && ctx.Err() != nil {
		p.t.Fatalf("%s: close: %v", p.name, err)
	}
}

// matchFrozen reports whether two views, some time apart, show a match under way (counting down,
// in play or after a point) that did not move: the same phase, the ball where it was, the clock
// where it was. A match that plays on moves the ball or runs the clock within a few ticks.
func matchFrozen(a, b netclient.DebugView) bool {
	pa, _ := field(a, "world", "phase")
	pb, _ := field(b, "world", "phase")
	ta, _ := field(a, "world", "timer")
	tb, _ := field(b, "world", "timer")
	xa, _ := field(a, "ball", "x")
	xb, _ := field(b, "ball", "x")
	ya, _ := field(a, "ball", "y")
	yb, _ := field(b, "ball", "y")
	return pa >= 2 && pa <= 4 && pa == pb && ta == tb && xa == xb && ya == yb && b.Tick > a.Tick+20
}

// TestPongOpponentLeaves is issue 16's "Broken 2": Bob closes his tab in the middle of a match.
// Ann's page must show it at once: the match stands still ("Paused", "Bob left — waiting N s for
// them"), and the status no longer counts Bob; after the grace (6 s here, 30 s by default) the
// match ends with Ann winning by forfeit, the score kept, rather than going on against a paddle
// nobody holds and silently starting again from 0–0.
func TestPongOpponentLeaves(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	const grace = 6 * time.Second
	_, base := startServer(t, www, func(cfg *server.Config) { cfg.Lobby.ResumeGrace = grace })
	browser := newBrowser(t)

	room := "/?game=pong&room=e2e-leave&mute=1"
	a := openPage(t, browser, "Ann's page", base+room+"&name=Ann")
	b := openPage(t, browser, "Bob's page", base+room+"&name=Bob")
	inGame := func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && len(v.Entities["paddle"]) == 2
	}
	a.waitView("Ann to see two paddles", 90*time.Second, inGame)
	b.waitView("Bob to see two paddles", 30*time.Second, inGame)
	a.holdKey(" ", "Space", 32, 300*time.Millisecond)
	b.holdKey(" ", "Space", 32, 300*time.Millisecond)
	a.waitView("the ball to be in play", 20*time.Second, func(v netclient.DebugView) bool {
		phase, _ := field(v, "world", "phase")
		vx, _ := field(v, "ball", "vx")
		return phase == 3 && vx != 0
	})

	b.closeTab()
	closed := time.Now()
	// At once: within 3 s the match stands still on Ann's page, and says why.
	var before netclient.DebugView
	a.waitView("the match to stand still on Ann's page", 3*time.Second, func(v netclient.DebugView) bool {
		frozen := before.Tick != 0 && matchFrozen(before, v)
		if !frozen && (before.Tick == 0 || v.Tick > before.Tick+20) {
			before = v
		}
		return frozen
	})
	t.Logf("the match stood still %s after Bob's tab closed", time.Since(closed).Round(10*time.Millisecond))
	ts := a.waitText("the pause to be explained", 5*time.Second, "Paused", "Bob left — waiting", "1/2 players")
	a.screenshot(filepath.Join(artifactDir(t, www), "pong-paused.png"))
	for _, tx := range ts {
		if strings.Contains(tx.Text, "2/2") {
			t.Errorf("Ann's page still says %q while Bob is away", tx.Text)
		}
	}

	// After the grace, Bob leaves for good: Ann wins by forfeit.
	v := a.waitView("the match to end by forfeit", grace+15*time.Second, func(v netclient.DebugView) bool {
		phase, _ := field(v, "world", "phase")
		forfeit, _ := field(v, "world", "forfeit")
		return phase == 5 && forfeit == 1
	})
	if len(v.Entities["paddle"]) != 1 {
		t.Errorf("after the forfeit Ann sees %d paddles, want her own", len(v.Entities["paddle"]))
	}
	if e := time.Since(closed); e < grace-time.Second {
		t.Errorf("the match ended %s after Bob left, before the grace of %s", e, grace)
	}
	a.waitText("Ann's win by forfeit", 5*time.Second, "Ann wins by forfeit")
	if problems := a.consoleProblems(); len(problems) > 0 {
		t.Errorf("Ann's page logged errors: %v", problems)
	}
}
