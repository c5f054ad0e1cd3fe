// Package metrics exports what a tickwire server is doing as Prometheus metrics, and serves them with
// Go's pprof profiles on an admin listener.
//
// Start with [New]: the [Metrics] it returns is the observer of the lobby, the rooms and the gateway
// (put it in lobby.Config.Observer and gateway.Config.Observer), and [Metrics.Handler] serves
// /metrics and /debug/pprof/. The command tickwire does this when given -admin-addr. Serve the
// handler on a loopback or private address only: profiles reveal a great deal about the server.
//
// The series, besides the Go runtime's (go_*) and the process's (process_*):
//
//	tickwire_players{game}                        seats taken
//	tickwire_rooms{game}                          rooms open
//	tickwire_connections{state}                   open connections: handshake, playing
//	tickwire_tick_duration_seconds{game}          histogram of step durations (the room's work per tick)
//	tickwire_tick_duration_max_seconds{game}      the longest step since the server started
//	tickwire_ticks_late_total{game}               steps run as a catch-up, a period or more late
//	tickwire_ticks_missed_total{game}             steps skipped: the room fell behind real time
//	tickwire_inputs_ignored_total{game,reason}    inputs not applied: late (tick already stepped), duplicate
//	tickwire_frames_in_total{op}                  valid frames read from clients (op="input": inputs)
//	tickwire_frame_bytes_in_total{op}
//	tickwire_frames_out_total{op}                 frames written to clients (op="snapshot": snapshots)
//	tickwire_frame_bytes_out_total{op}
//	tickwire_snapshots_dropped_total              snapshots replaced before a slow client took them
//	tickwire_connections_closed_total{code,reason} every close the server made, by close code
//	tickwire_refusals_total{reason}               handshakes refused (version, name, room, full, ...), and
//	                                              inputs for a tick too far ahead (input_ahead)
//	tickwire_decode_errors_total{reason}          connections closed for a frame the server could not accept
//	tickwire_slow_client_kicks_total{cause}       clients dropped for not keeping up: queue_full, write_timeout
//	tickwire_process_peak_rss_bytes               the process's peak resident set size
//	tickwire_node_info{node}                      1, labelled with the server's node id in the cluster
//	                                              (Metrics.SetNode), to tell the nodes' series apart
//	tickwire_nats_connected                       1 while the node is connected to NATS, else 0 (Metrics.SetNATS)
//	tickwire_nats_reconnects_total                times the NATS connection was re-established after a loss
//	tickwire_nats_messages_total{direction}       NATS messages in and out (registry, directory, reservations)
//	tickwire_nats_bytes_total{direction}          their payload bytes
package metrics
