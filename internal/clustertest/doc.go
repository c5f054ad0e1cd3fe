// Package clustertest holds the multi-process tests of the cluster: a real nats-server process (the
// go.mod tool) and three tickwire servers built from ./server/cmd/tickwire, on loopback, driven
// through their sockets and signals the way an operator's would. It has nothing to import; start
// with live_test.go (the processes, and TestThreeProcesses: placement, one lobby, SIGTERM, kill -9),
// then stopped_test.go (the players of a node killed or drained play again, in a fresh room) and
// natsrestart_test.go (the NATS server restarted under load). players_test.go is the bot: the Go
// client under the netcode driver, as a page plays.
package clustertest
