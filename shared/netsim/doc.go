// Package netsim models a bad network for testing netcode on loopback: latency, jitter and loss,
// as a WebSocket (TCP) connection suffers them. The server's -netsim flag and the client's ?net=
// parameter use it; both parse the same [Profile] text.
//
// Start with [Wrap]: it puts a simulated network between a program and its connection ([Conn]),
// and both the server's gateway and the client's netclient use it. Under it, a [Line] is pure: it is
// told the time and answers when a message arrives, and [Conn] holds the message until then.
// Messages on a line never overtake each other, as on one TCP connection.
package netsim
