// Package pong is the client half of pong (the rules are in shared/games/pong): it draws the field,
// the paddles and the ball, each side's name and score, a banner for the match's phase and the
// players' emotes, and turns keys, a gamepad or a finger into pong's input and messages.
//
// [Client] is the app.Game (and app.Messenger) the client runs. The pure helpers beside it have no
// Ebiten in them and are tested on their own: [FromView] turns a snapshot into a [Model] (with
// [Model.Banner], the text for each phase), [Extrapolate] moves the ball on between snapshots,
// [FitField] lays the field out on the screen, [Axis] and [FollowMove] make moves.
//
// A spectator sees the same match with a SPECTATING badge and sends nothing.
package pong
