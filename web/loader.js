// tickwire loader.
//
// Checks that the browser can run the game (WebAssembly, WebGL 2, Go's
// wasm_exec.js) and that the server hosts the game the address names (?game=,
// against GET /api/rooms's list, before downloading anything big: an unknown
// game is refused with a way back to the lobby), then downloads tickwire.wasm
// with a real progress bar, compiling it while it downloads
// (WebAssembly.instantiateStreaming), and starts the Go program. Ebiten adds
// its own canvas to <body>; the loader overlay is hidden once the game runs
// and shown again if it stops.
//
// The bar counts the bytes on the wire: the compressed download (the server
// sends Content-Length, the compressed size, and X-Decoded-Length, the decoded
// one; the body the page reads is decoded, so what has arrived is the decoded
// share of the compressed size). After the last byte the status says
// "Preparing…" while the browser finishes compiling the module.
//
// window.tickwireLoader = {state, error, loaded, total, replays} reports
// progress to tests: state is 'loading', 'running' or 'error' ('lobby' when
// lobby.js shows the lobby instead, because the address names nothing to play);
// error is the message shown on the page; loaded and total are bytes on the
// wire; replays counts the replay files handed to the game; times has the
// milliseconds since the navigation began (performance.now) at which the
// download ended (downloaded) and the module was compiled and started
// (running).
//
// A replay file dropped anywhere on the page, or picked with the file input
// #replay-file (the game's Open button clicks it), is read and handed to the
// game as bytes (window.tickwireOpenReplay, which the wasm registers), which
// plays it with the game's own renderer. Dropped on the lobby, it starts the
// game first and hands the file over once the game is up.
//
// Written in ES5 (plus Promise/fetch, used only after the feature checks) so
// that very old browsers still get the "not supported" message instead of a
// syntax error.
(function () {
  'use strict';

  var WASM_URL = 'tickwire.wasm';
  var GAMES_URL = '/api/rooms'; // {games: [names], ...}: the games this server hosts
  var CHECK_MS = 3000; // the longest the game check may hold the download up
  var MB = 1e6;

  var loader = {state: 'loading', error: '', loaded: 0, total: 0, replays: 0, times: {}};
  var pendingReplay = null; // a replay file's bytes waiting for the game to start
  var HANDOVER_MS = 100;
  window.tickwireLoader = loader;

  function $(id) {
    return document.getElementById(id);
  }

  // A failure whose message is meant for the player.
  function problem(message) {
    var e = new Error(message);
    e.tickwireMessage = message;
    return e;
  }

  function describe(err) {
    if (err && err.message) {
      return err.message;
    }
    return String(err);
  }

  function formatMB(bytes) {
    return (bytes / MB).toFixed(1) + ' MB';
  }

  // mark records when a step of the load ended, for tests (loader.times).
  function mark(step) {
    if (window.performance && typeof performance.now === 'function') {
      loader.times[step] = Math.round(performance.now());
    }
  }

  function setStatus(text) {
    var el = $('status');
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  }

  // total <= 0 means unknown: the bar slides instead of filling.
  function setProgress(loaded, total) {
    loader.loaded = loaded;
    loader.total = total > 0 ? total : 0;
    var box = $('progress');
    var bar = $('progress-bar');
    if (total > 0) {
      var pct = Math.min(100, (loaded * 100) / total);
      box.classList.remove('indeterminate');
      box.setAttribute('aria-valuenow', String(Math.round(pct)));
      bar.style.width = pct.toFixed(1) + '%';
      setStatus('Downloading game: ' + formatMB(loaded) + ' of ' + formatMB(total));
    } else {
      box.classList.add('indeterminate');
      box.removeAttribute('aria-valuenow');
      bar.style.width = '';
      setStatus('Downloading game: ' + formatMB(loaded));
    }
  }

  function showLoader(show) {
    var el = $('loader');
    el.hidden = !show;
    el.setAttribute('aria-busy', String(show && loader.state === 'loading'));
  }

  // fail shows message on the page; toLobby adds a link back to the lobby (the
  // page without a query), for a problem that reloading cannot fix.
  function fail(message, toLobby) {
    loader.state = 'error';
    loader.error = message;
    if (window.console && console.error) {
      console.error('tickwire: ' + message);
    }
    $('loader').classList.add('failed');
    showLoader(true);
    setStatus('');
    $('error-message').textContent = message;
    $('error').hidden = false;
    var button = $('reload');
    if (button) {
      button.hidden = !!toLobby;
      button.onclick = function () {
        window.location.reload();
      };
    }
    var link = $('lobby-link');
    if (link) {
      link.hidden = !toLobby;
      link.setAttribute('href', (window.location && window.location.pathname) || './');
    }
  }

  function hasWebAssembly() {
    return typeof WebAssembly === 'object' && WebAssembly !== null &&
      typeof WebAssembly.instantiate === 'function' &&
      typeof Promise === 'function' && typeof fetch === 'function' &&
      typeof Uint8Array === 'function';
  }

  function hasWebGL2() {
    try {
      var gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) {
        return false;
      }
      // Free the probe context right away; browsers limit live contexts.
      var lose = gl.getExtension && gl.getExtension('WEBGL_lose_context');
      if (lose) {
        lose.loseContext();
      }
      return true;
    } catch (e) {
      return false;
    }
  }

  // parseSize returns the byte count in a header value, or 0.
  function parseSize(value) {
    if (value === null || value === undefined || !/^\s*\d+\s*$/.test(value)) {
      return 0;
    }
    return parseInt(value, 10);
  }

  // sizes returns what the headers say of the download: wire, the bytes on the
  // wire (Content-Length), and decoded, the bytes the page reads (X-Decoded-Length
  // for a precompressed file, else Content-Length when it is not compressed); 0
  // for unknown.
  function sizes(headers) {
    var encoding = (headers.get('Content-Encoding') || '').toLowerCase();
    var length = parseSize(headers.get('Content-Length'));
    var identity = encoding === '' || encoding === 'identity';
    var decoded = parseSize(headers.get('X-Decoded-Length')) || (identity ? length : 0);
    return {wire: length || (identity ? decoded : 0), decoded: decoded};
  }

  // A download under way: the response, its sizes, the decoded bytes read so
  // far, and problem once it has one meant for the player.
  function Download(response) {
    this.response = response;
    this.size = sizes(response.headers);
    this.read = 0;
    this.problem = null;
  }

  // progress shows the bytes on the wire so far, of the total: the decoded share
  // of the compressed size. Without both sizes it shows the bytes read, with no
  // total (the bar slides).
  Download.prototype.progress = function () {
    var s = this.size;
    if (s.decoded > 0 && this.read > s.decoded) {
      s.decoded = 0; // The size header was wrong; stop pretending.
      s.wire = 0;
    }
    if (s.decoded > 0 && s.wire > 0) {
      setProgress(Math.round(s.wire * this.read / s.decoded), s.wire);
    } else {
      setProgress(this.read, 0);
    }
  };

  // chunk counts bytes read and checks that the body starts as a WebAssembly
  // module does; it returns false (with problem set) when it does not.
  Download.prototype.chunk = function (bytes) {
    if (this.read < 4) {
      var magic = [0x00, 0x61, 0x73, 0x6d];
      for (var i = 0; i < bytes.length && this.read + i < 4; i++) {
        if (bytes[i] !== magic[this.read + i]) {
          this.problem = problem('The server did not send a WebAssembly module for ' + WASM_URL +
            ' (Content-Type: ' + (this.response.headers.get('Content-Type') || 'none') +
            '). The game may not be built or deployed correctly.');
          return false;
        }
      }
    }
    this.read += bytes.byteLength;
    this.progress();
    return true;
  };

  // finished shows the whole download as arrived, and that the module is being
  // prepared (compiled, which with streaming has mostly happened already).
  Download.prototype.finished = function () {
    mark('downloaded');
    if (this.size.wire > 0 && this.size.decoded > 0) {
      setProgress(this.size.wire, this.size.wire);
    } else {
      setProgress(this.read, this.read);
    }
    setStatus('Preparing…');
  };

  Download.prototype.interrupted = function (err) {
    this.problem = this.problem || problem('The download of ' + WASM_URL + ' was interrupted after ' +
      formatMB(loader.loaded) + ' (' + describe(err) + '). Check your connection and reload the page.');
    return this.problem;
  };

  // stream returns a ReadableStream of the body that counts what passes.
  Download.prototype.stream = function () {
    var dl = this;
    var reader = this.response.body.getReader();
    return new ReadableStream({
      pull: function (ctrl) {
        return reader.read().then(function (step) {
          if (step.done) {
            dl.finished();
            ctrl.close();
          } else if (dl.chunk(step.value)) {
            ctrl.enqueue(step.value);
          } else {
            reader.cancel();
            ctrl.error(dl.problem);
          }
        }, function (err) {
          ctrl.error(dl.interrupted(err));
        });
      }
    });
  };

  // canStream reports whether the browser can compile the module while it
  // downloads: instantiateStreaming insists on Content-Type application/wasm.
  Download.prototype.canStream = function () {
    var type = (this.response.headers.get('Content-Type') || '').toLowerCase();
    return typeof WebAssembly.instantiateStreaming === 'function' &&
      typeof ReadableStream === 'function' && typeof Response === 'function' &&
      this.response.body && typeof this.response.body.getReader === 'function' &&
      type.split(';')[0].replace(/\s/g, '') === 'application/wasm';
  };

  // bytes reads the whole body (for a browser that cannot stream-compile).
  Download.prototype.bytes = function () {
    var dl = this;
    var body = this.response.body;
    if (!body || typeof body.getReader !== 'function') {
      // No streaming support: no progress until the end.
      return this.response.arrayBuffer().then(function (buf) {
        var bytes = new Uint8Array(buf);
        if (!dl.chunk(bytes)) {
          throw dl.problem;
        }
        dl.finished();
        return bytes;
      });
    }
    var reader = body.getReader();
    var chunks = [];
    function pump() {
      return reader.read().then(function (step) {
        if (step.done) {
          dl.finished();
          return concat(chunks, dl.read);
        }
        if (!dl.chunk(step.value)) {
          reader.cancel();
          throw dl.problem;
        }
        chunks.push(step.value);
        return pump();
      }, function (err) {
        throw dl.interrupted(err);
      });
    }
    return pump();
  };

  function concat(chunks, length) {
    if (chunks.length === 1) {
      return chunks[0];
    }
    var out = new Uint8Array(length);
    var offset = 0;
    for (var i = 0; i < chunks.length; i++) {
      out.set(chunks[i], offset);
      offset += chunks[i].byteLength;
    }
    return out;
  }

  function download() {
    setProgress(0, 0);
    return fetch(WASM_URL).then(function (response) {
      if (!response.ok) {
        var text = response.statusText ? ' ' + response.statusText : '';
        throw problem('Downloading ' + WASM_URL + ' failed: the server answered HTTP ' +
          response.status + text + '. The game may not be built or deployed correctly.');
      }
      var dl = new Download(response);
      dl.progress();
      return dl;
    }, function (err) {
      throw problem('Could not reach the game server to download ' + WASM_URL + ' (' +
        describe(err) + '). Check that the server is running and reload the page.');
    });
  }

  // instantiate compiles and instantiates the module: while it downloads when
  // the browser can, else once it has.
  function instantiate(dl, importObject) {
    var compiled;
    if (dl.canStream()) {
      var counted = new Response(dl.stream(), {headers: {'Content-Type': 'application/wasm'}});
      compiled = WebAssembly.instantiateStreaming(counted, importObject);
    } else {
      compiled = dl.bytes().then(function (bytes) {
        return WebAssembly.instantiate(bytes, importObject);
      });
    }
    return compiled.then(null, function (err) {
      if (dl.problem) {
        throw dl.problem;
      }
      if (err && err.tickwireMessage) {
        throw err;
      }
      throw problem(WASM_URL + ' could not be started: ' + describe(err) + '.');
    });
  }

  function start(dl) {
    var go = new Go();
    var exitCode = null;
    var goExit = go.exit;
    go.exit = function (code) {
      exitCode = code;
      if (typeof goExit === 'function') {
        goExit.call(go, code);
      }
    };
    return instantiate(dl, go.importObject).then(function (result) {
      mark('running');
      loader.state = 'running';
      showLoader(false);
      // Resolves only when the Go program exits; a game normally never does.
      return Promise.resolve(go.run(result.instance)).then(function () {
        if (typeof window.tickwireRefused === 'string') {
          // The program could not start this address's game (see refuseGame in
          // wasmclient/hook_js.go): say why, with the way back to the lobby.
          fail(window.tickwireRefused + '. Pick a game in the lobby.', true);
        } else if (exitCode !== null && exitCode !== 0) {
          fail('The game stopped unexpectedly (exit code ' + exitCode +
            '). Details are in the browser console. Reload the page to play again.');
        } else {
          fail('The game has ended. Reload the page to play again.');
        }
      }, function (err) {
        fail('The game crashed: ' + describe(err) + '. Reload the page to play again.');
      });
    });
  }

  // queryParam returns the decoded value of name in the address's query, or
  // null when it has none.
  function queryParam(search, name) {
    var parts = search.replace(/^\?/, '').split('&');
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split('=');
      if (kv[0] === name && kv.length > 1) {
        try {
          return decodeURIComponent(kv.slice(1).join('=').replace(/\+/g, ' '));
        } catch (e) {
          return kv.slice(1).join('=');
        }
      }
    }
    return null;
  }

  // checkGame resolves once the server is known to host game (or cannot say:
  // a server without the list, or one that cannot be reached, is left to the
  // game's own connection, which explains itself), and rejects with a problem
  // when its list of games lacks it.
  function checkGame(game) {
    // A server that takes the request and never answers must not hold the
    // download up: after CHECK_MS the check gives up, as on any failure.
    var ctl = typeof AbortController === 'function' ? new AbortController() : null;
    if (ctl) {
      setTimeout(function () { ctl.abort(); }, CHECK_MS);
    }
    return fetch(GAMES_URL, {cache: 'no-store', signal: ctl ? ctl.signal : undefined}).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (data) {
      var games = data && data.games;
      if (!games || typeof games.length !== 'number' || games.length === 0) {
        return;
      }
      for (var i = 0; i < games.length; i++) {
        if (games[i] === game) {
          return;
        }
      }
      var e = problem('This server has no game called "' + game + '". It hosts ' +
        games.join(', ') + ': pick one in the lobby.');
      e.toLobby = true;
      throw e;
    }, function () {});
  }

  // handOver gives the pending replay to the game once it has registered
  // tickwireOpenReplay, checking again every HANDOVER_MS until it has.
  function handOver() {
    if (pendingReplay === null || loader.state === 'error') {
      return;
    }
    if (typeof window.tickwireOpenReplay !== 'function') {
      setTimeout(handOver, HANDOVER_MS);
      return;
    }
    var bytes = pendingReplay;
    pendingReplay = null;
    loader.replays++;
    window.tickwireOpenReplay(bytes);
  }

  // MAX_REPLAY_BYTES is the largest replay file the page reads: far above a real
  // one (a 10-minute arena match of 10 players is about 150 KB), far below what
  // would exhaust the tab (a file dropped by mistake).
  var MAX_REPLAY_BYTES = 16 << 20;

  // openReplay reads a replay file and hands it to the game, starting the game
  // first when the page shows the lobby. A file too big to be a replay is not
  // read at all.
  function openReplay(file) {
    if (!file || typeof FileReader !== 'function') {
      return;
    }
    if (file.size > MAX_REPLAY_BYTES) {
      loader.replayRefused = file.name + ' is ' + Math.round(file.size / (1 << 20)) +
        ' MB: too big to be a tickwire replay (at most 16 MB)';
      if (window.console && console.error) {
        console.error('tickwire: ' + loader.replayRefused);
      }
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      pendingReplay = new Uint8Array(reader.result);
      if (loader.state === 'lobby') {
        var lobby = $('lobby');
        if (lobby) {
          lobby.hidden = true;
        }
        loader.state = 'loading';
        showLoader(true);
        load();
      }
      handOver();
    };
    reader.onerror = function () {
      if (window.console && console.error) {
        console.error('tickwire: could not read ' + file.name + ': ' + describe(reader.error));
      }
    };
    reader.readAsArrayBuffer(file);
  }

  // listenForReplays makes the whole page a drop target for replay files, and
  // #replay-file the picker's.
  function listenForReplays() {
    if (!document.addEventListener) {
      return;
    }
    document.addEventListener('dragover', function (e) {
      e.preventDefault(); // without it the browser opens the file instead of dropping it here
    });
    document.addEventListener('drop', function (e) {
      e.preventDefault();
      var files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length > 0) {
        openReplay(files[0]);
      }
    });
    var input = $('replay-file');
    if (input) {
      input.addEventListener('change', function () {
        if (input.files && input.files.length > 0) {
          openReplay(input.files[0]);
        }
        input.value = ''; // the same file again is a change too
      });
    }
  }

  function main() {
    listenForReplays();
    if (window.tickwireLobby && window.tickwireLobby.active) {
      loader.state = 'lobby'; // lobby.js shows the lobby: nothing to load, until a replay is dropped
      return;
    }
    load();
  }

  function load() {
    var search = (window.location && window.location.search) || '';
    var game = /[?&]game=([a-z0-9-]+)/.exec(search);
    var heading = $('game-title');
    if (heading && (pendingReplay !== null || /[?&]replay=/.test(search))) {
      heading.textContent = 'replay';
    } else if (game && heading) {
      heading.textContent = game[1];
    }
    if (!hasWebAssembly()) {
      fail('Your browser does not support WebAssembly (or it is disabled), which tickwire needs. ' +
        'Please use a current version of Firefox, Chrome, Edge or Safari.');
      return;
    }
    if (!hasWebGL2()) {
      fail('Your browser cannot provide WebGL 2, which tickwire needs to draw the game. ' +
        'Enable hardware acceleration in the browser settings, update your graphics driver, or try another browser.');
      return;
    }
    if (typeof Go !== 'function') {
      fail('The Go WebAssembly support script (wasm_exec.js) did not load. ' +
        'Check that the server is running and serving the complete build, then reload the page.');
      return;
    }
    var named = queryParam(search, 'game');
    var checked = named !== null && pendingReplay === null && queryParam(search, 'replay') === null ?
      checkGame(named) : Promise.resolve();
    checked.then(download).then(start).then(null, function (err) {
      fail(err && err.tickwireMessage ? err.tickwireMessage : 'Unexpected error while loading the game: ' + describe(err),
        err && err.toLobby);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', main);
  } else {
    main();
  }
})();
