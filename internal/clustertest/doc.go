// Package clustertest holds the multi-process tests of the cluster: a real nats-server process (the
// go.mod tool) and three tickwire servers built from ./server/cmd/tickwire, on loopback, driven
// through their sockets and signals the way an operator's would. Its only file, live_test.go, says
// what is checked; it has nothing to import.
package clustertest
