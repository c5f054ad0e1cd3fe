// Command netlab measures how tickwire's netcode feels, without a browser: it runs the real
// server on loopback and plays a room with native clients through real WebSockets under simulated
// network conditions, then prints prediction corrections, interpolation stalls and the
// displayed-position error of remote entities (see package netlab). By default it measures a
// clean loopback and the bad profile (150 ms RTT, 30 ms jitter, 5% loss).
//
//	go run ./internal/tools/cmd/netlab -net bad -players 8 -ticks 900
//	go run ./internal/tools/cmd/netlab -game pong
//	go run ./internal/tools/cmd/netlab -net bad -inputs-per-message 1,2,3,4,6
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/tickwire/tickwire/internal/tools/netlab"
	"github.com/tickwire/tickwire/shared/games"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "netlab:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("netlab", flag.ContinueOnError)
	game := fs.String("game", games.Default, fmt.Sprintf("game to play (registered: %v)", netlab.Games()))
	nets := fs.String("net", "off;bad", "network profiles to measure, separated by ';' (off, bad, or rtt=150ms,jitter=30ms,loss=5%)")
	players := fs.Int("players", 0, "players in the room (default 6, or the game's seats if fewer)")
	ticks := fs.Int("ticks", 300, "ticks to play after everyone joined (the arena steps 30 a second)")
	seed := fs.Uint64("seed", 1, "seed of the players' behaviour")
	per := fs.String("inputs-per-message", "", "ticks' inputs each player sends in one message, or several separated by ',' to measure each (default the game's sim.Info.InputsPerMessage)")
	asJSON := fs.Bool("json", false, "print each report as one JSON object per line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	pers := []int{0}
	if *per != "" {
		pers = pers[:0]
		for _, f := range strings.Split(*per, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > wire.MaxInputsPerMessage {
				return fmt.Errorf("-inputs-per-message: %q is not a number from 1 to %d", f, wire.MaxInputsPerMessage)
			}
			pers = append(pers, n)
		}
	}
	for _, spec := range strings.Split(*nets, ";") {
		p, err := netsim.Parse(spec)
		if err != nil {
			return err
		}
		for _, n := range pers {
			r, err := netlab.Run(ctx, netlab.Options{Game: *game, Net: p, Players: *players, Ticks: *ticks, Seed: *seed, InputsPerMessage: n})
			if err != nil {
				return err
			}
			if *asJSON {
				b, _ := json.Marshal(r)
				fmt.Println(string(b))
			} else {
				fmt.Println(r)
			}
		}
	}
	return nil
}
