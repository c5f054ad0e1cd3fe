// A tickwire client in JavaScript, written from docs/PROTOCOL.md alone (no Go code was read): it
// joins the arena, holds "right" for a few seconds and checks, in the server's own snapshots, that
// the server moved its player and that every entity fits the arena's schema table and id ranges
// ("Game schemas"). Then it breaks the protocol on purpose (a second hello) and checks that the
// server's close is preceded by a bye with the same code and reason ("bye"). It proves that the
// document is enough to write a client in another language.
//
//   node client.mjs ws://127.0.0.1:8080/ws [seconds] [room] [name]
//
// It prints one line of JSON with what it saw and exits 0 when the player moved right by at least
// 100 pixels, the server acknowledged its inputs, no entity broke the schema, and the close was
// 4009 just after a bye saying the same; 1 otherwise.
//
// In a cluster it follows a redirect as "Following a redirect" says: to a ws:// or wss:// URL only,
// with the redirect's token as the hello's reservation, at most 4 in a row; after 4019 it joins
// afresh at the URL it was given.
import WebSocket from 'ws';
import { encode, decode } from '@msgpack/msgpack';

const [url, seconds = '3', room = 'node', name = 'Node'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node client.mjs ws://host:port/ws [seconds] [room] [name]');
  process.exit(2);
}

// Ops, from the table in "Ops".
const HELLO = 1, WELCOME = 2, INPUT = 3, SNAPSHOT = 4, ROSTER = 5, BYE = 6, PING = 7, PONG = 8, REDIRECT = 10;
const VERSION = 2;
const UNEXPECTED = 4009; // "a message not allowed at this point (... hello twice ...)"
const REDIRECTED = 4018, BAD_RESERVATION = 4019; // "Following a redirect"
const MAX_HOPS = 4;
// The arena's schema, from the table in "Game schemas": per kind, each field's [min, max].
const INT32 = [-2147483648, 2147483647];
const POS_X = [0, 819200], POS_Y = [0, 512000], VEL = [-10240, 10240];
const SCHEMA = [
  { name: 'world', fields: [INT32, INT32, [1, 1073741824], [0, 5400], [0, 65535], [0, 1073741824], [0, 23]] },
  { name: 'player', fields: [POS_X, POS_Y, VEL, VEL, [0, 1073741824], [0, 8], [0, 45], [0, 16777215], [0, 90]] },
  { name: 'drone', fields: [POS_X, POS_Y, VEL, VEL, POS_X, POS_Y] },
  { name: 'orb', fields: [POS_X, POS_Y, [1, 5]] },
];
// The arena's entity ids, from "Game schemas": [first, last] per kind.
const IDS = [[16777215, 16777215], [1, 65535], [65536, 65555], [131072, 131143]];
const KIND_PLAYER = 1;
const ONE = 256; // positions are in 1/256 pixel

// schemaError says how an entity [id, kind, field, ...] breaks the schema, or returns null.
function schemaError(entity) {
  const [id, kind, ...fields] = entity;
  const k = SCHEMA[kind];
  if (!k) {
    return `entity ${id}: unknown kind ${kind}`;
  }
  if (fields.length !== k.fields.length) {
    return `entity ${id} (${k.name}): ${fields.length} fields, the schema has ${k.fields.length}`;
  }
  const bad = fields.findIndex((v, i) => v < k.fields[i][0] || v > k.fields[i][1]);
  if (bad >= 0) {
    return `entity ${id} (${k.name}): field ${bad} = ${fields[bad]} out of range`;
  }
  if (id < IDS[kind][0] || id > IDS[kind][1]) {
    return `entity ${id}: not a ${k.name} id`;
  }
  return null;
}

const seen = {
  player: 0, tickRate: 0, snapshots: 0, firstX: null, lastX: null, ack: 0, roster: [],
  pongEcho: false, bye: null, close: null, otherOps: 0, schemaErrors: 0, schemaError: null,
  lastOp: 0, byeBeforeClose: false, url, redirects: 0,
};
let seq = 0;
let lastTick = 0; // the newest snapshot's tick
let sentTick = 0; // the tick of the last input sent
let rtt = 0; // the round trip, in milliseconds, from the ping
let pingAt = 0;
let inputTimer = null;
let ending = false; // the second hello is sent: the server's close is expected
let finished = false;
let redirect = null; // the redirect frame [url, token] of this connection, if one came
let hops = 0; // redirects and refused reservations since the last welcome

// Every message is one binary WebSocket message holding the frame [op, body] ("Framing").
function send(op, body) {
  ws.send(encode([op, body]));
}

function finish(reason) {
  if (finished) {
    return;
  }
  finished = true;
  clearInterval(inputTimer);
  const moved = seen.firstX === null || seen.lastX === null ? 0 : seen.lastX - seen.firstX;
  const ok = moved >= 100 * ONE && seen.ack > 0 && seen.pongEcho && seen.schemaErrors === 0 &&
    seen.close !== null && seen.close.code === UNEXPECTED && seen.byeBeforeClose;
  console.log(JSON.stringify({ ok, reason, moved, movedPixels: moved / ONE, ...seen }));
  if (ws.readyState === WebSocket.OPEN) {
    send(BYE, [1000, 'done']); // "bye: either direction"
    ws.close(1000, 'done');
  }
  setTimeout(() => process.exit(ok ? 0 : 1), 100);
}

// end stops playing and breaks the protocol on purpose: a second hello, which the server answers
// with a bye and a close with 4009, the same code and reason in both.
function end() {
  clearInterval(inputTimer);
  ending = true;
  send(HELLO, [VERSION, 'arena', room, name]); // trailing fields left off: "Trailing fields may be left off"
}

let ws = null;

// connect opens a connection to `to` and says hello, with a reservation after a redirect.
function connect(to, reservation) {
  seen.url = to;
  redirect = null;
  ws = new WebSocket(to);
  ws.binaryType = 'nodebuffer';
  ws.on('open', () => {
    // hello: [version, game, room, name, spectate, private, resume, reservation]; the reservation
    // only after a redirect ("Following a redirect"), with an empty resume before it.
    const hello = [VERSION, 'arena', room, name, false, false];
    if (reservation) {
      hello.push('', reservation);
    }
    send(HELLO, hello);
  });
  ws.on('message', onMessage);
  ws.on('close', onClose);
  ws.on('error', (err) => {
    seen.close = { code: 0, reason: err.message };
    finish('connection error');
  });
}

// follow acts on a close with 4018 or 4019 as "Following a redirect" says, and reports whether it
// did: the client is connecting again.
function follow(code) {
  if (code !== REDIRECTED && code !== BAD_RESERVATION) {
    return false;
  }
  if (++hops > MAX_HOPS) {
    finish(`${hops} redirects in a row`);
    return true;
  }
  if (code === BAD_RESERVATION) {
    connect(url, ''); // join afresh, without the reservation, at home
    return true;
  }
  let to = null;
  try {
    to = redirect && new URL(redirect[0]);
  } catch {
    to = null;
  }
  if (to === null || (to.protocol !== 'ws:' && to.protocol !== 'wss:') || to.host === '') {
    finish(`a redirect to ${redirect ? JSON.stringify(redirect[0]) : 'nowhere'}, not a ws:// or wss:// URL`);
    return true;
  }
  seen.redirects++;
  connect(redirect[0], redirect[1]);
  return true;
}

function onMessage(data, isBinary) {
  if (!isBinary) {
    finish('the server sent a text frame');
    return;
  }
  const [op, body] = decode(data);
  seen.lastOp = op;
  switch (op) {
    case WELCOME: {
      // welcome: [player, game, room, tickRate, snapshotRate, tick, maxPlayers, spectator, private]
      const [player, , , tickRate, , tick] = body;
      seen.player = player;
      hops = 0;
      seen.tickRate = tickRate;
      lastTick = tick;
      pingAt = Date.now();
      send(PING, [12345]);
      // "The client sends one input per server tick": [seq, tick, ack, input, rewind], the arena's
      // input being [moveX, moveY, buttons]; seq counts from 1. This client keeps no snapshots, so it
      // acknowledges none: ack 0. It draws nothing, so it rewinds nothing: rewind 0.
      inputTimer = setInterval(() => {
        // "tick is the server tick the input is meant for": ahead of the newest snapshot by the
        // round trip in ticks plus 2, so that it arrives before the server steps that tick. Each
        // input is for the tick after the last one's, unless that falls behind the aim; a timer
        // that runs faster than the server waits rather than run ahead of it.
        const aim = lastTick + Math.ceil((rtt * tickRate) / 1000) + 2;
        const next = Math.max(sentTick + 1, aim);
        if (next > aim + 2) {
          return;
        }
        sentTick = next;
        seq++;
        send(INPUT, [seq, next, 0, [127, 0, 0], 0]);
      }, 1000 / tickRate);
      setTimeout(end, Number(seconds) * 1000);
      break;
    }
    case SNAPSHOT: {
      // snapshot: [tick, ack, [[id, kind, field, ...], ...]]
      const [tick, ack, entities] = body;
      lastTick = tick;
      seen.snapshots++;
      seen.ack = ack;
      for (const entity of entities) {
        const problem = schemaError(entity);
        if (problem !== null) {
          seen.schemaErrors++;
          seen.schemaError = seen.schemaError || problem;
        }
        const [id, kind, x] = entity;
        if (id === seen.player && kind === KIND_PLAYER) {
          if (seen.firstX === null) {
            seen.firstX = x;
          }
          seen.lastX = x;
        }
      }
      break;
    }
    case ROSTER:
      seen.roster = body.map(([player, playerName]) => ({ player, name: playerName }));
      break;
    case PONG:
      // pong: [clientTime, tick]
      seen.pongEcho = body[0] === 12345;
      if (seen.pongEcho) {
        rtt = Date.now() - pingAt;
      }
      break;
    case BYE:
      seen.bye = { code: body[0], reason: body[1] };
      break;
    case REDIRECT:
      // redirect: [url, token]; the bye and the close with 4018 follow.
      redirect = body;
      break;
    default:
      seen.otherOps++; // "A client skips ops it does not know"
  }
}

function onClose(code, reason) {
  seen.close = { code, reason: reason.toString() };
  if (!ending && follow(code)) {
    return;
  }
  // "bye: sent by the server just before every close it initiates, with the same code and reason".
  seen.byeBeforeClose = seen.lastOp === BYE && seen.bye !== null && seen.bye.code === code &&
    seen.bye.reason === seen.close.reason;
  finish(ending ? 'played' : 'the server closed the connection');
}

connect(url, '');

setTimeout(() => finish('timed out'), (Number(seconds) + 10) * 1000);
