// Package clustertest holds the multi-process tests of the cluster: a real nats-server process (the
// go.mod tool) and two or three tickwire servers built from ./server/cmd/tickwire, on loopback,
// driven through their sockets, signals and admin listeners the way an operator's would. It has
// nothing to import; start with live_test.go (the processes, and TestThreeProcesses: placement, one
// lobby, SIGTERM, kill -9), then handoff_test.go (SIGTERM moves a room, arena and pong, to another
// node and its players follow), crash_test.go (kill -9: the room comes back from its checkpoint),
// rolling_test.go (three nodes restarted one after another under the load tester) and
// natsrestart_test.go (the NATS server restarted under load). bot_test.go is the recording bot
// (the Go client under the netcode driver, thinking as the load tester's bots do, writing down
// every snapshot and close it saw), players_test.go a plainer one, nodes_test.go the helpers
// (ballast to steer placement, POST /handoff). handoffgaps_test.go is a measurement, run only with
// TICKWIRE_HANDOFF_BENCH=1: the gaps players see over 20 handoffs of a room of 10 and of 100.
package clustertest
