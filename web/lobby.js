// tickwire lobby: the page's first screen when its address names nothing to play.
//
// It lists the server's games and open public rooms with their players and spectators (from
// GET /api/rooms, refreshed every two seconds), and lets the player pick a name, join or watch a
// room, start a quick game, or create a room, public or private, with a link to share. Every
// choice is a link to this same page with ?game=, ?room=, ?name=, ?spectate= or ?private=, where
// loader.js starts the game instead. Below the rooms it lists the recent replays (GET
// /api/replays, refreshed every ten seconds), each with a Watch link, ?replay=ID, which loader.js
// plays.
//
// While /api/rooms cannot be fetched the lobby says so, and its Quick play, Join and Watch buttons
// are disabled (down) until it can again. Enter in the name field plays the first game; Enter in
// the room name creates the room; Copy link says it copied.
//
// window.tickwireLobby = {active, down, rooms, games, replays, validName, validRoom, playURL, shareURL,
// wantsGame, randomRoom, replayURL, replayRow, formatLength} is for tests: active says whether the
// lobby is showing (loader.js then stays idle); the functions are the pure rules the page applies.
//
// Written in ES5 like loader.js; it uses \p{…} in one regular expression, guarded, so an old
// browser still loads the page.
(function () {
  'use strict';

  var PLAY_PARAMS = ['game', 'room', 'name', 'spectate', 'play', 'replay'];
  var NAME_KEY = 'tickwire.name';
  var REFRESH_MS = 2000;
  var REPLAYS_REFRESH_MS = 10000; // a replay appears when a room closes or empties: rarely
  var REPLAYS_SHOWN = 10;

  // wantsGame reports whether a query string (location.search) asks to play rather than for the
  // lobby.
  function wantsGame(search) {
    var q = String(search || '').replace(/^\?/, '').split('&');
    for (var i = 0; i < q.length; i++) {
      var key = decodeURIComponent(q[i].split('=')[0] || '');
      if (PLAY_PARAMS.indexOf(key) >= 0) {
        return true;
      }
    }
    return false;
  }

  var letterDigit = null;
  try {
    letterDigit = new RegExp("^[\\p{L}\\p{Nd} \\-_.'!?]+$", 'u');
  } catch (e) {
    letterDigit = /^[A-Za-z0-9 \-_.'!?]+$/; // no Unicode property escapes: ASCII only
  }

  // validName returns the trimmed name, or an error message: the server's rule for player names
  // (1–20 letters, digits, spaces and - _ . ' ! ?).
  function validName(name) {
    var n = String(name || '').replace(/^\s+|\s+$/g, '');
    var runes = runeCount(n);
    if (runes === 0) {
      return {error: 'Pick a name.'};
    }
    if (runes > 20) {
      return {error: 'A name has at most 20 characters.'};
    }
    if (!letterDigit.test(n)) {
      return {error: "A name has letters, digits, spaces and - _ . ' ! ? only."};
    }
    return {name: n};
  }

  // runeCount counts code points, as the server does: a surrogate pair is one.
  function runeCount(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) {
        n++;
      }
    }
    return n;
  }

  // validRoom returns an error message for a room name that the server would refuse, or ''.
  function validRoom(room) {
    if (!room) {
      return 'Pick a room name.';
    }
    if (room.length > 32) {
      return 'A room name has at most 32 characters.';
    }
    if (!/^[a-z0-9-]+$/.test(room)) {
      return 'A room name has lower-case letters, digits and - only.';
    }
    return '';
  }

  function query(params) {
    var parts = [];
    for (var i = 0; i < params.length; i += 2) {
      if (params[i + 1] !== '' && params[i + 1] !== undefined && params[i + 1] !== null) {
        parts.push(encodeURIComponent(params[i]) + '=' + encodeURIComponent(params[i + 1]));
      }
    }
    return '?' + parts.join('&');
  }

  // playURL is the address that plays (or, with spectate, watches) game in room as name. An empty
  // room lets the server pick one.
  function playURL(o) {
    return query(['game', o.game, 'room', o.room, 'name', o.spectate ? '' : o.name,
      'spectate', o.spectate ? '1' : '', 'private', o.private ? '1' : '']);
  }

  // shareURL is the link to give friends: the room of the game, on this page's origin.
  function shareURL(origin, game, room) {
    return origin + '/' + query(['game', game, 'room', room]);
  }

  // randomRoom returns a room name hard to guess, for a private room.
  function randomRoom(rand) {
    var chars = 'abcdefghijkmnpqrstuvwxyz23456789';
    var s = 'p-';
    for (var i = 0; i < 8; i++) {
      s += chars.charAt(Math.floor(rand() * chars.length));
    }
    return s;
  }

  // replayURL is the address that plays replay id.
  function replayURL(id) {
    return query(['replay', id]);
  }

  // formatLength writes a number of seconds as m:ss (h:mm:ss from an hour).
  function formatLength(seconds) {
    var t = Math.max(0, Math.round(Number(seconds) || 0));
    var h = Math.floor(t / 3600);
    var m = Math.floor(t / 60) % 60;
    var s = t % 60;
    var ss = (s < 10 ? '0' : '') + s;
    if (h > 0) {
      return h + ':' + (m < 10 ? '0' : '') + m + ':' + ss;
    }
    return m + ':' + ss;
  }

  // replayRow is what the list shows of a replay from GET /api/replays: its game, room, players
  // and length, and the link that plays it.
  function replayRow(r) {
    var players = r.players || [];
    return {
      game: title(String(r.game || '')),
      room: String(r.room || ''),
      players: players.length ? players.join(', ') : '—',
      length: formatLength(r.seconds),
      href: replayURL(r.id),
    };
  }

  function title(name) {
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  var lobby = {
    active: false, down: false, rooms: [], games: [], replays: [], error: '',
    validName: validName, validRoom: validRoom, playURL: playURL, shareURL: shareURL,
    wantsGame: wantsGame, randomRoom: randomRoom,
    replayURL: replayURL, replayRow: replayRow, formatLength: formatLength,
  };
  window.tickwireLobby = lobby;

  if (typeof document === 'undefined' || !window.location || wantsGame(window.location.search)) {
    return; // loader.js plays
  }
  lobby.active = true;

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function storedName() {
    try {
      return window.localStorage.getItem(NAME_KEY) || '';
    } catch (e) {
      return '';
    }
  }

  function currentName() {
    var v = validName($('lobby-name').value);
    $('lobby-name-error').textContent = v.error || '';
    $('lobby-name').setAttribute('aria-invalid', v.error ? 'true' : 'false');
    if (!v.error) {
      try {
        window.localStorage.setItem(NAME_KEY, v.name);
      } catch (e) {
        // private browsing: the name is not remembered
      }
    }
    return v;
  }

  // go navigates to a game, unless the name is bad (spectators need none).
  function go(o) {
    if (!o.spectate) {
      var v = currentName();
      if (v.error) {
        $('lobby-name').focus();
        return;
      }
      o.name = v.name;
    }
    window.location.search = playURL(o);
  }

  function button(label, cls, onclick, disabled) {
    var b = el('button', cls, label);
    b.type = 'button';
    b.disabled = !!disabled;
    b.onclick = onclick;
    return b;
  }

  function renderGames() {
    var box = $('lobby-games');
    box.textContent = '';
    for (var i = 0; i < lobby.games.length; i++) {
      (function (g) {
        var card = el('div', 'game-card');
        card.setAttribute('data-game', g.name);
        card.appendChild(el('h3', '', title(g.name)));
        card.appendChild(el('p', 'muted', g.players + ' playing · ' + g.maxPlayers + ' per room · ' + g.tickRate + ' ticks/s'));
        card.appendChild(button('Quick play', 'primary', function () { go({game: g.name}); }, lobby.down));
        box.appendChild(card);
      })(lobby.games[i]);
    }
    var select = $('lobby-create-game');
    if (select.options.length !== lobby.games.length) {
      select.textContent = '';
      for (var k = 0; k < lobby.games.length; k++) {
        var opt = el('option', '', title(lobby.games[k].name));
        opt.value = lobby.games[k].name;
        select.appendChild(opt);
      }
    }
  }

  function renderRooms() {
    var body = $('lobby-rooms');
    body.textContent = '';
    $('lobby-no-rooms').hidden = lobby.rooms.length > 0;
    for (var i = 0; i < lobby.rooms.length; i++) {
      (function (r) {
        var tr = el('tr');
        tr.setAttribute('data-room', r.game + '/' + r.name);
        tr.appendChild(el('td', '', title(r.game)));
        tr.appendChild(el('td', 'room-name', r.name));
        tr.appendChild(el('td', 'num', r.players + '/' + r.maxPlayers));
        tr.appendChild(el('td', 'num', String(r.spectators)));
        var actions = el('td', 'actions');
        var full = r.players >= r.maxPlayers;
        // While the server cannot be reached the list is stale: its buttons do not pretend.
        actions.appendChild(button(full ? 'Full' : 'Join', 'primary small', function () {
          go({game: r.game, room: r.name});
        }, full || lobby.down));
        actions.appendChild(button('Watch', 'small', function () {
          go({game: r.game, room: r.name, spectate: true});
        }, r.spectators >= r.maxSpectators || lobby.down));
        tr.appendChild(actions);
        body.appendChild(tr);
      })(lobby.rooms[i]);
    }
  }

  function refresh() {
    fetch('/api/rooms', {cache: 'no-store'}).then(function (res) {
      if (!res.ok) {
        throw new Error('HTTP ' + res.status);
      }
      return res.json();
    }).then(function (data) {
      lobby.games = data.gameInfo || [];
      lobby.rooms = data.rooms || [];
      lobby.error = '';
      lobby.down = false;
      $('lobby-error').hidden = true;
      renderGames();
      renderRooms();
      updateShare();
    }, function () {
      lobby.error = "Can't reach the server: the rooms below may be out of date. Trying again every few seconds…";
      lobby.down = true;
      $('lobby-error').textContent = lobby.error;
      $('lobby-error').hidden = false;
      renderGames();
      renderRooms();
      updateShare();
    });
  }

  function renderReplays() {
    var body = $('lobby-replays');
    body.textContent = '';
    var shown = lobby.replays.slice(0, REPLAYS_SHOWN);
    $('lobby-no-replays').hidden = shown.length > 0;
    for (var i = 0; i < shown.length; i++) {
      var row = replayRow(shown[i]);
      var tr = el('tr');
      tr.setAttribute('data-replay', shown[i].id);
      tr.appendChild(el('td', '', row.game));
      tr.appendChild(el('td', 'room-name', row.room));
      tr.appendChild(el('td', '', row.players));
      tr.appendChild(el('td', 'num', row.length));
      var actions = el('td', 'actions');
      var a = el('a', 'watch', 'Watch');
      a.href = row.href;
      actions.appendChild(a);
      tr.appendChild(actions);
      body.appendChild(tr);
    }
  }

  // refreshReplays fetches the recent replays. A server that keeps none, or cannot list them now,
  // leaves the list as it was: the replays are not worth an error on the lobby.
  function refreshReplays() {
    fetch('/api/replays', {cache: 'no-store'}).then(function (res) {
      if (!res.ok) {
        throw new Error('HTTP ' + res.status);
      }
      return res.json();
    }).then(function (data) {
      lobby.replays = data.replays || [];
      renderReplays();
    }, function () {});
  }

  function createOptions() {
    return {
      game: $('lobby-create-game').value,
      room: $('lobby-create-room').value.replace(/^\s+|\s+$/g, '').toLowerCase(),
      private: $('lobby-create-private').checked,
    };
  }

  // updateShare checks the room name and shows the link the new room will have.
  function updateShare() {
    var o = createOptions();
    var err = validRoom(o.room);
    $('lobby-room-error').textContent = err;
    $('lobby-create-room').setAttribute('aria-invalid', err ? 'true' : 'false');
    $('lobby-share').value = err || !o.game ? '' : shareURL(window.location.origin, o.game, o.room);
    $('lobby-create').disabled = !!err || !o.game || lobby.down;
    return err;
  }

  // canCreate says whether the room in the create form can be opened now: a valid name, a game,
  // and a server that answers.
  function canCreate() {
    return !updateShare() && !!createOptions().game && !lobby.down;
  }

  function start() {
    $('loader').hidden = true;
    $('lobby').hidden = false;
    document.title = 'tickwire';
    var name = $('lobby-name');
    name.value = storedName() || 'Player ' + (100 + Math.floor(Math.random() * 900));
    name.oninput = currentName;
    // Enter in the name field plays: Quick play of the first game.
    name.onkeydown = function (e) {
      if (e.key === 'Enter' && lobby.games.length > 0 && !lobby.down) {
        e.preventDefault();
        go({game: lobby.games[0].name});
      }
    };
    $('lobby-create-room').onkeydown = function (e) {
      if (e.key === 'Enter' && canCreate()) {
        e.preventDefault();
        go(createOptions());
      }
    };
    var rand = Math.random;
    $('lobby-create-room').value = randomRoom(rand);
    $('lobby-create-room').oninput = updateShare;
    $('lobby-create-game').onchange = updateShare;
    $('lobby-create-private').onchange = function () {
      if ($('lobby-create-private').checked && !/^p-/.test($('lobby-create-room').value)) {
        $('lobby-create-room').value = randomRoom(rand);
      }
      updateShare();
    };
    $('lobby-create').onclick = function () {
      if (canCreate()) {
        go(createOptions());
      }
    };
    $('lobby-copy').onclick = function () {
      var link = $('lobby-share');
      var copy = $('lobby-copy');
      link.select();
      var copied = false;
      try {
        copied = document.execCommand('copy');
      } catch (e) {
        copied = false;
      }
      // Say what happened: copied, or selected for the player to copy.
      var say = function (ok) {
        copy.textContent = ok ? 'Copied ✓' : 'Press Ctrl+C';
        clearTimeout(copy.tickwireTimer);
        copy.tickwireTimer = setTimeout(function () { copy.textContent = 'Copy link'; }, 2000);
      };
      say(copied);
      if (!copied && navigator.clipboard && navigator.clipboard.writeText) {
        // It may settle late (a permission to ask) or never: the player has been told already.
        navigator.clipboard.writeText(link.value).then(function () { say(true); }, function () {});
      }
    };
    refresh();
    setInterval(refresh, REFRESH_MS);
    renderReplays();
    refreshReplays();
    setInterval(refreshReplays, REPLAYS_REFRESH_MS);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
